import { settle } from './gateway-store.js';
import type { Store } from './index.js';
import type { OutboxListing, OutboxStatus } from './outbox.js';

/**
 * What `watchfloor outbox list|retry|drop` reads and changes, on either engine (ADR 16): the
 * SQLite side is the outbox store's calls as they are; the PostgreSQL side is
 * store/pg/operator-outbox.ts. Only dead and uncertain rows are ever requeued or dropped, each in
 * one statement, so a deliverer's claim on a pending row is never disturbed.
 */
export interface OperatorOutbox {
  /** Rows of one status, oldest first. */
  listByStatus(status: OutboxStatus, limit: number): Promise<OutboxListing[]>;
  /** Puts dead or uncertain rows back in the queue, due now, attempts counted afresh; the ids requeued. */
  requeue(ids: readonly number[], now: number): Promise<number[]>;
  /** Deletes dead or uncertain rows; the ids deleted. */
  drop(ids: readonly number[]): Promise<number[]>;
}

export function createSqliteOperatorOutbox(store: Pick<Store, 'outbox'>): OperatorOutbox {
  return {
    listByStatus: (status, limit) => settle(() => store.outbox.listByStatus(status, limit)),
    requeue: (ids, now) => settle(() => store.outbox.requeue(ids, now)),
    drop: (ids) => settle(() => store.outbox.drop(ids)),
  };
}
