// The SQLite reader's thread (sqlite-reader.ts), in plain JavaScript so any Node loads it without
// tsx. It owns a connection of its own to the database, which cannot write (query_only), and runs
// the statements the server posts one at a time: a search over a million messages holds this
// thread for its 50-150 ms, never the server's event loop (ADR 36).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** Distinct SQL texts kept prepared; past this the cache starts over (queries are a fixed set). */
const STATEMENT_CACHE_SIZE = 200;

const { path, busyTimeoutMs } = workerData;
const db = new Database(path, { fileMustExist: true });
db.pragma('query_only = ON');
db.pragma(`busy_timeout = ${busyTimeoutMs}`);

const statements = new Map();

function prepared(sql) {
  let statement = statements.get(sql);
  if (statement === undefined) {
    if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    const statement = prepared(sql);
    // BEGIN and COMMIT return no rows; `all` is for statements that do.
    if (statement.reader) parentPort.postMessage({ id, rows: statement.all(parameters) });
    else {
      statement.run(parameters);
      parentPort.postMessage({ id, rows: [] });
    }
  } catch (error) {
    const { message, code } = /** @type {{ message?: string; code?: string }} */ (error ?? {});
    parentPort.postMessage({ id, error: { message: String(message ?? error), code } });
  }
});
