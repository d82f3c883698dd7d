import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('defaults to an embedded SQLite file on port 4000', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('sqlite:./data/parlo.db');
    expect(config.PORT).toBe(4000);
    expect(config.PARLO_DEMO).toBe(false);
  });

  it('a bad value stops start-up with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty', GRAPH_API_VERSION: '25' })).toThrow(
      /PORT[\s\S]*GRAPH_API_VERSION/,
    );
  });

  it('reads booleans and treats empty strings as unset', () => {
    expect(loadConfig({ PARLO_DEMO: 'true', PORT: '' }).PARLO_DEMO).toBe(true);
    expect(loadConfig({ PORT: '' }).PORT).toBe(4000);
  });
});
