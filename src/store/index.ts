import type { Store } from './types';
import { SqliteStore } from './sqlite';
import { PostgresStore } from './postgres';

/** PostgreSQL when DATABASE_URL is set, else SQLite in DATA_DIR. */
export function createStore(opts: { databaseUrl?: string; databaseSchema?: string; dataDir: string }): Store {
  if (opts.databaseUrl) return new PostgresStore(opts.databaseUrl, opts.databaseSchema);
  return new SqliteStore(opts.dataDir);
}
export type { Store };
