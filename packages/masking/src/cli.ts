/**
 * `parlo-mask`: reads JSON lines `{"text": "...", "region"?: "IT"}` and writes one JSON line
 * per input: `{"findings": [...], "masked": "..."}`, or `{"error": {"code": "BAD_INPUT",
 * "message": ...}}` for a line that is not such an object; processing continues after a bad
 * line. Blank lines are skipped. Exit code 0 unless reading stdin fails.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { findSensitive, maskText } from './index.ts';
import type { FindOptions } from './index.ts';

/** The output for one input line (without the newline). */
export function processLine(line: string): string {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch (e) {
    return badInput(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return badInput('expected a JSON object');
  const { text, region } = input as { text?: unknown; region?: unknown };
  if (typeof text !== 'string') return badInput('"text" must be a string');
  if (region !== undefined && (typeof region !== 'string' || !isSupportedCountry(region))) {
    return badInput('"region" must be an ISO 3166-1 alpha-2 country code, e.g. "IT"');
  }
  const options: FindOptions = region === undefined ? {} : { defaultRegion: region };
  return JSON.stringify({ findings: findSensitive(text, options), masked: maskText(text, options) });
}

function badInput(message: string): string {
  return JSON.stringify({ error: { code: 'BAD_INPUT', message } });
}

/** Runs the filter from `input` to `output`; resolves to the process exit code. */
export async function run(input: Readable, output: Writable): Promise<number> {
  try {
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      if (!output.write(`${processLine(line)}\n`))
        await new Promise<void>((resolve) => output.once('drain', resolve));
    }
    return 0;
  } catch (e) {
    console.error(`parlo-mask: cannot read stdin: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await run(process.stdin, process.stdout);
}
