import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Claims and leases (ADR 11): several processes may work on one database (`run` beside `once`,
 * two `run`s, and later pollers and deliverers on a server database). A row of work (an outbox
 * message, a feed's next poll) is taken by one process at a time, in one atomic statement, with
 * an expiry; only the holder records its outcome; an expired claim (a crashed holder) is taken
 * over by whoever comes next.
 */

/**
 * A name for this process's claims: host, pid and a random part, so a restarted process with a
 * reused pid never mistakes an old claim for its own. Shown in `status` and logs.
 */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * How long an outbox claim lasts without renewal. A send renews it as it begins; a send takes at
 * most discord.js's request timeout plus its rate-limit waits. Longer than that, so a slow send
 * is not taken over; short enough that a crashed holder's messages wait minutes, not hours.
 */
export const OUTBOX_LEASE_MS = 5 * 60_000;

/**
 * How long a feed lease lasts: one poll of one feed (queued behind the host limiter, fetched
 * within FETCH_TIMEOUT_MS, parsed, stored). It is renewed before the feed's stories are stored.
 */
export const FEED_LEASE_MS = 10 * 60_000;

/**
 * Whether `owner` names a process of this host that is gone: its pid no longer exists, or it is
 * this process's own pid under another name (a restarted container's pid 1). Its claims need not
 * wait for their lease to run out. An owner of another host, or a live pid (perhaps reused by an
 * unrelated program), is left to its lease.
 */
export function isDeadLocalOwner(owner: string, self: string): boolean {
  if (owner === self) return false;
  const parts = owner.split(':');
  const selfParts = self.split(':');
  if (parts.length < 3 || parts.slice(0, -2).join(':') !== selfParts.slice(0, -2).join(':')) return false;
  const pid = Number(parts.at(-2));
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
