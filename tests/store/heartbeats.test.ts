import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capturingLogger } from '../helpers/stories.js';
import { startHeartbeat } from '../../src/app/roles.js';
import { createStore } from '../../src/store/index.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const DAY_MS = 24 * 3_600_000;

describe('process heartbeats', () => {
  it('GIVEN two processes on one database THEN each records its own row, a clean stop removes only its own, and a week-old row is forgotten at the next start', async () => {
    const path = join(tempDir(), 'w.db');
    const a = createStore(path);
    const b = createStore(path);
    const now = Date.now();
    a.heartbeats.beat({ owner: 'gone:1:aaaaaa', role: 'poller', pid: 1, host: 'gone', startedAt: now - 9 * DAY_MS, lastSeenAt: now - 8 * DAY_MS, intervalMs: 30_000 });
    const { log } = capturingLogger();
    const poller = startHeartbeat({ store: a, role: 'poller', log, clock: () => now });
    const gateway = startHeartbeat({ store: b, role: 'gateway', log, clock: () => now });
    const rows = a.heartbeats.list();
    expect(rows.map((r) => [r.owner, r.role, r.pid, r.lastSeenAt]).sort()).toEqual([
      [a.owner, 'poller', process.pid, now],
      [b.owner, 'gateway', process.pid, now],
    ].sort());
    await poller.stop();
    expect(b.heartbeats.list().map((r) => r.role)).toEqual(['gateway']);
    await gateway.stop();
    expect(b.heartbeats.list()).toEqual([]);
    a.close();
    b.close();
  });

  it('GIVEN a database that cannot be written WHEN a beat fails THEN it is logged and nothing throws', async () => {
    const store = createStore(join(tempDir(), 'w.db'));
    store.db.exec('DROP TABLE process_heartbeats');
    const logs = capturingLogger();
    const heartbeat = startHeartbeat({ store, role: 'deliverer', log: logs.log });
    expect(logs.lines().some((l) => l.msg === 'heartbeat not recorded; trying again at the next one')).toBe(true);
    await heartbeat.stop();
    expect(logs.lines().some((l) => String(l.msg).startsWith('heartbeat row not removed'))).toBe(true);
    store.close();
  });
});
