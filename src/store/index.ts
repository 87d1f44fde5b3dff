import type { Store } from './types';

/**
 * PostgreSQL when DATABASE_URL is set, else SQLite in DATA_DIR. Each backend loads its driver
 * only when chosen: a SQLite deployment never loads pg (about 15 MB of resident memory).
 */
export function createStore(opts: { databaseUrl?: string; databaseSchema?: string; dataDir: string }): Store {
  if (opts.databaseUrl) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PostgresStore } = require('./postgres') as typeof import('./postgres');
    return new PostgresStore(opts.databaseUrl, opts.databaseSchema);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SqliteStore } = require('./sqlite') as typeof import('./sqlite');
  return new SqliteStore(opts.dataDir);
}
export type { Store };
