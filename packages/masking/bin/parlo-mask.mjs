#!/usr/bin/env node
// Launcher: the package ships TypeScript sources, so register tsx and run src/cli.ts.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli.ts');
process.exitCode = await run(process.stdin, process.stdout);
