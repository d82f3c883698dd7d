/**
 * Runs `work` with `method` of `proto` wrapped: each call's receiver and arguments go to `seen`
 * first, then the call goes on as before; the method is restored after. Tests use it to list the
 * statements a store runs (better-sqlite3's Statement, pg's Client.query) without changing them.
 */
export async function watchingCalls<T>(
  proto: object,
  method: string,
  seen: (self: unknown, args: unknown[]) => void,
  work: () => Promise<T>,
): Promise<T> {
  const original: unknown = Reflect.get(proto, method);
  if (typeof original !== 'function') throw new Error(`${method} is not a method`);
  Reflect.set(proto, method, function (this: unknown, ...args: unknown[]): unknown {
    seen(this, args);
    return Reflect.apply(original, this, args) as unknown;
  });
  try {
    return await work();
  } finally {
    Reflect.set(proto, method, original);
  }
}

/** The prototype of better-sqlite3's prepared statements (`run`, `all`, `get`: `this.source` is the SQL). */
export async function sqliteStatementPrototype(): Promise<object> {
  const { default: SqliteDatabase } = await import('better-sqlite3');
  const probe = new SqliteDatabase(':memory:');
  try {
    return Object.getPrototypeOf(probe.prepare('select 1')) as object;
  } finally {
    probe.close();
  }
}

/**
 * The SQL texts pg's clients send while `work` runs, a connection's `set search_path` left out;
 * whether `work` succeeds or fails (a test then looks at what was sent).
 */
export async function pgQueriesSent(work: () => Promise<unknown>): Promise<string[]> {
  const { default: pg } = await import('pg');
  const texts: string[] = [];
  await watchingCalls(
    pg.Client.prototype,
    'query',
    (_, args) => {
      const [config] = args as [string | { text?: string }];
      const text = typeof config === 'string' ? config : config.text;
      if (text !== undefined && !text.startsWith('set search_path')) texts.push(text);
    },
    work,
  ).catch(() => undefined);
  return texts;
}
