import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processLine } from './cli.ts';

const BIN = fileURLToPath(new URL('../bin/parlo-mask.mjs', import.meta.url));

/** Spawns the real `parlo-mask` launcher, feeds `stdin`, collects stdout and the exit code. */
function runCli(stdin: string): Promise<{ code: number | null; lines: unknown[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({
        code,
        lines: out
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as unknown),
      });
    });
    child.stdin.end(stdin);
  });
}

describe('parlo-mask CLI', () => {
  it('[S-11] masks JSON lines, reports bad lines and carries on, exits 0', async () => {
    const input = [
      JSON.stringify({ text: 'chiama +447966197542 o scrivi a melissa@gmail.com' }),
      'not json',
      JSON.stringify({ text: 42 }),
      '',
      JSON.stringify({ text: 'cell 347 123 4567', region: 'IT' }),
      JSON.stringify({ text: 'x', region: 'ZZ' }),
      JSON.stringify({ text: '+ 1 (123) 456 7890' }),
    ].join('\n');
    const { code, lines } = await runCli(input);
    expect(code).toBe(0);
    expect(lines).toEqual([
      {
        findings: [
          { type: 'PHONE', start: 7, end: 20 },
          { type: 'EMAIL', start: 32, end: 49 },
        ],
        masked: 'chiama *********7542 o scrivi a m******@gmail.com',
      },
      { error: { code: 'BAD_INPUT', message: expect.stringContaining('not JSON') as unknown } },
      { error: { code: 'BAD_INPUT', message: '"text" must be a string' } },
      { findings: [{ type: 'PHONE', start: 5, end: 17 }], masked: 'cell ******4567' },
      { error: { code: 'BAD_INPUT', message: expect.stringContaining('region') as unknown } },
      { findings: [{ type: 'PHONE', start: 0, end: 18 }], masked: '**********7890' },
    ]);
  });

  it('handles empty stdin', async () => {
    expect(await runCli('')).toEqual({ code: 0, lines: [] });
  });

  it('processLine rejects arrays and null', () => {
    expect(processLine('[]')).toContain('BAD_INPUT');
    expect(processLine('null')).toContain('BAD_INPUT');
  });
});
