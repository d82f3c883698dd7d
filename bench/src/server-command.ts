/**
 * How a bench runs the server: as production does, `node apps/server/dist/main.mjs`, the bundle
 * scripts/build-server.mjs writes (ADR 34), built once per checkout per bench process from its
 * sources. A checkout from before the bundle (an A/B against an older commit) runs through tsx.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serverMain } from '../../scripts/build-server.mjs';

const built = new Map<string, readonly string[]>();

/** Node's arguments (after any flags of the bench's own) that run the server of `checkout`. */
export function serverNodeArgs(checkout: string): readonly string[] {
  let args = built.get(checkout);
  if (args === undefined) {
    const script = join(checkout, 'scripts/build-server.mjs');
    if (existsSync(script)) {
      const build = spawnSync(process.execPath, [script], { cwd: checkout, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`building the server in ${checkout} failed:\n${build.stderr}`);
      args = [serverMain];
    } else {
      args = ['--import', 'tsx', 'apps/server/src/main.ts'];
    }
    built.set(checkout, args);
  }
  return args;
}
