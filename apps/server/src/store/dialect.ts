/**
 * The SQL dialect a store runs on; the only place the shared code branches on it. A file of its own
 * so that the statements' helpers (`query-template.ts`) can name it without importing the port,
 * which imports the repositories that use them.
 */
export type StoreDialect = 'sqlite' | 'postgres';
