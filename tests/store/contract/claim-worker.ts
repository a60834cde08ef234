/**
 * A deliverer process for the multi-process contract test: claims messages from the database at
 * argv[2] (a postgres:// URL or a SQLite file) as owner argv[3] with a lease of argv[4] ms,
 * "sends" each (argv[5] ms of work between beginSend and markSent), and prints `claimed <id>` and
 * `sent <id>` lines, after printing `ready` and reading a line on stdin. With argv[6] = `pause`, its
 * first claim takes one message and it stops there until a second stdin line, so a test can hold both processes with a
 * live claim at once. Exits when no message is pending.
 */
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExactlyOnceStore, Holder } from '../../../src/store/contract.js';
import { openDatabase } from '../../../src/store/db.js';
import { openPgExactlyOnceStore } from '../../../src/store/pg/exactly-once.js';
import { createSqliteExactlyOnceStore } from '../../../src/store/sqlite-contract.js';

const [location = '', owner = '', leaseArg = '60000', workArg = '0', pauseArg = ''] = process.argv.slice(2);
const holder: Holder = { owner, leaseMs: Number(leaseArg) };
const workMs = Number(workArg);
const store: ExactlyOnceStore = location.startsWith('postgres')
  ? await openPgExactlyOnceStore(location, { max: 2 })
  : createSqliteExactlyOnceStore(openDatabase(location), { close: true });

const out = (line: string) => process.stdout.write(`${line}\n`);
const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = async (): Promise<void> => { await input.next(); };
// Connected and migrated: wait for the test's go (one line on stdin), so both processes start claiming together.
out('ready');
await nextLine();
let paused = pauseArg !== 'pause';
for (;;) {
  // A paused first claim takes one message: a claim holds its subscription (delivery order is per
  // subscription), so one message leaves the other subscriptions for the other process.
  const claimed = await store.claimMessages(holder, paused ? 5 : 1);
  if (claimed.length === 0) {
    if ((await store.pendingCount()) === 0) break;
    await sleep(20); // held by another holder, or waiting for a lease to run out
    continue;
  }
  for (const m of claimed) out(`claimed ${m.id}`);
  if (!paused) {
    paused = true;
    await nextLine(); // the test's continue: the other process holds a claim too by now
  }
  for (const m of claimed) {
    if (!(await store.beginSend(m.id, holder))) continue;
    if (workMs > 0) await sleep(workMs);
    if (await store.markSent(m.id, holder, `${owner}/${m.id}`)) out(`sent ${m.id}`);
  }
}
await store.close();
process.stdin.destroy();
