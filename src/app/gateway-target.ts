import type { GatewayStore } from '../store/gateway-store.js';
import { createSqliteGatewayStore } from '../store/gateway-store.js';
import { createStore, type Store } from '../store/index.js';
import { createSqliteOperatorOutbox, type OperatorOutbox } from '../store/operator-outbox.js';
import { createSqliteRatingsPort, type RatingsPort } from '../store/ratings-port.js';
import { isPostgresUrl } from '../store/target.js';

/** The gateway store of the database WATCHFLOOR_DB names, SQLite file or PostgreSQL URL, and how to close it. */
export interface OpenGatewayStore {
  readonly gateway: GatewayStore;
  /** Ratings (`watchfloor feedback`), on the same database. */
  readonly ratings: RatingsPort;
  /** Dead and uncertain messages (`watchfloor outbox`), on the same database. */
  readonly outbox: OperatorOutbox;
  /** The synchronous store on SQLite, for what has no port yet (the automatic subscriptions); null on PostgreSQL. */
  readonly sqlite: Store | null;
  readonly close: () => Promise<void>;
}

/**
 * Opens the database `db` names for the commands that read through the gateway store (`status`):
 * a SQLite file with the synchronous store, a PostgreSQL URL with a small pool (pg loaded only
 * then).
 */
export async function openGatewayStore(db: string): Promise<OpenGatewayStore> {
  if (isPostgresUrl(db)) {
    const { openPgDatabase } = await import('../store/pg/db.js');
    const { createPgGatewayStore } = await import('../store/pg/gateway-store.js');
    const { createPgRatingsPort } = await import('../store/pg/ratings.js');
    const { createPgOperatorOutbox } = await import('../store/pg/operator-outbox.js');
    const pool = await openPgDatabase(db, { max: 2 });
    const gateway = createPgGatewayStore(pool);
    return { gateway, ratings: createPgRatingsPort(pool, gateway), outbox: createPgOperatorOutbox(pool), sqlite: null, close: () => pool.end() };
  }
  const store = createStore(db);
  return {
    gateway: createSqliteGatewayStore(store),
    ratings: createSqliteRatingsPort(store),
    outbox: createSqliteOperatorOutbox(store),
    sqlite: store,
    close: () => {
      store.close();
      return Promise.resolve();
    },
  };
}
