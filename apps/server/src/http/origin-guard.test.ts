import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../platform/index.ts';
import { publicOrigins } from './origin-guard.ts';

describe('[issue-17] the public origins state-changing requests must come from', () => {
  it('[issue-17] default: the listening address, and its localhost twin on a loopback host', () => {
    expect([...publicOrigins(loadConfig({}), 4000)].sort()).toEqual([
      'http://127.0.0.1:4000',
      'http://localhost:4000',
    ]);
    expect([...publicOrigins(loadConfig({ HOST: '::1' }), 4100)].sort()).toEqual([
      'http://127.0.0.1:4100',
      'http://[::1]:4100',
      'http://localhost:4100',
    ]);
    expect([...publicOrigins(loadConfig({ HOST: 'parlo.lan' }), 80)]).toEqual(['http://parlo.lan:80']);
    // Every interface: no origin of its own until PUBLIC_ORIGIN says; this machine's browsers work.
    expect([...publicOrigins(loadConfig({ HOST: '0.0.0.0' }), 4000)].sort()).toEqual([
      'http://127.0.0.1:4000',
      'http://localhost:4000',
    ]);
  });

  it('[issue-17] PUBLIC_ORIGIN, comma-separated, replaces the default, normalized as browsers send it', () => {
    const config = loadConfig({ PUBLIC_ORIGIN: 'https://Parlo.Example.com:443/, http://lb.example:8080' });
    expect([...publicOrigins(config, 4000)]).toEqual(['https://parlo.example.com', 'http://lb.example:8080']);
  });

  it('[issue-17] a PUBLIC_ORIGIN that is not an origin stops start-up naming the variable', () => {
    for (const bad of [
      'parlo.example.com',
      'https://parlo.example.com/app',
      'ftp://x',
      'https://u@x',
      'http://x?q',
    ]) {
      expect(() => loadConfig({ PUBLIC_ORIGIN: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ PUBLIC_ORIGIN: bad }), bad).toThrow(/PUBLIC_ORIGIN/);
    }
  });
});
