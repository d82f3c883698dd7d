// Prints the slowest test files of the last `npm test`, from the JSON reports vitest writes when
// PARLO_TEST_REPORT_DIR is set (one per tier), so that a creeping suite is seen early in CI.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const dir = process.env.PARLO_TEST_REPORT_DIR;
const count = Number(process.argv[2] ?? 10);
if (!dir) {
  console.error('slowest-tests: set PARLO_TEST_REPORT_DIR');
  process.exit(2);
}
const files = [];
for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
  const report = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  for (const result of report.testResults ?? []) {
    files.push({
      tier: name.replace(/\.json$/, ''),
      file: relative(process.cwd(), result.name),
      ms: Math.max(0, (result.endTime ?? 0) - (result.startTime ?? 0)),
      status: result.status,
    });
  }
}
files.sort((a, b) => b.ms - a.ms);
console.log(`== the ${count} slowest test files (of ${files.length})`);
for (const f of files.slice(0, count)) {
  console.log(
    `${(f.ms / 1000).toFixed(1).padStart(7)} s  ${f.tier.padEnd(7)} ${f.file}${f.status === 'passed' ? '' : ` (${f.status})`}`,
  );
}
