import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeAlert } from '../../src/core/compose/alert.js';
import { createStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { classified, makeStory, newSubscription } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const HOOK = `https://discord.com/api/webhooks/600000000000000001/${'s'.repeat(68)}`;

/** A database with one dead letter, one uncertain webhook message and one pending alert. */
function seed(): { db: string; dead: number; uncertain: number; pending: number } {
  const db = join(tempDir(), 'w.db');
  const store = createStore(db);
  const sub = store.subscriptions.add(newSubscription({ target: { kind: 'webhook', url: HOOK }, topics: ['ukraine'] }));
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) {
    const story = makeStory({ title: `Story ${i}` });
    const { rowid } = store.stories.insert(story, classified({ ukraine: 5 }));
    store.outbox.addAlert({ subscriptionId: sub.id, storyRowid: rowid, payload: composeAlert({ story, verdicts: classified({ ukraine: 5 }).verdicts, topics: new Map(), source: undefined, mentionRoleId: null }), now: Date.now() });
  }
  const claim = { owner: 'test:1:aaaaaa', leaseMs: 60_000 };
  for (const row of store.outbox.claimDue(Date.now(), 2, claim).rows) ids.push(row.id);
  store.outbox.markDead(ids[0]!, claim, 'webhook 600000000000000001: Discord answered 404 (10015 Unknown Webhook)');
  store.outbox.beginSend(ids[1]!, claim, Date.now());
  store.outbox.markUncertain(ids[1]!, claim, 'may have been posted');
  const pending = store.outbox.listByStatus('pending', 10)[0]!.id;
  store.close();
  return { db, dead: ids[0]!, uncertain: ids[1]!, pending };
}

describe('watchfloor outbox', () => {
  it('GIVEN dead and uncertain messages THEN list shows both with reasons and never the webhook token; --status narrows; --json is one array', async () => {
    const { db, dead, uncertain } = seed();
    const list = await runCli(['outbox', 'list'], { WATCHFLOOR_DB: db });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^${uncertain}\\s+uncertain`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^${dead}\\s+dead\\s+alert\\s+webhook 600000000000000001`, 'm'));
    expect(list.stdout).not.toContain('s'.repeat(68));
    const json = await runCli(['outbox', 'list', '--status', 'dead', '--json'], { WATCHFLOOR_DB: db });
    expect((JSON.parse(json.stdout) as { id: number }[]).map((r) => r.id)).toEqual([dead]);
    const status = await runCli(['status'], { WATCHFLOOR_DB: db });
    expect(status.stdout).toContain('Outbox: 1 pending, 0 sent, 1 dead, 1 uncertain (may have been posted');
    const statusJson = await runCli(['status', '--json'], { WATCHFLOOR_DB: db });
    expect((JSON.parse(statusJson.stdout) as { outbox: unknown }).outbox).toEqual({ pending: 1, sent: 0, dead: 1, uncertain: 1 });
    const bad = await runCli(['outbox', 'list', '--status', 'lost'], { WATCHFLOOR_DB: db });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('pending, sent, dead, uncertain');
  }, 60_000);

  it('GIVEN the documented commands THEN retry queues a message again, drop deletes one, and a pending or unknown id is refused with exit 1', async () => {
    const { db, dead, uncertain, pending } = seed();
    const retry = await runCli(['outbox', 'retry', String(uncertain)], { WATCHFLOOR_DB: db });
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain(`1 message(s) queued again (${uncertain})`);
    const drop = await runCli(['outbox', 'drop', String(dead)], { WATCHFLOOR_DB: db });
    expect(drop.code).toBe(0);
    const refused = await runCli(['outbox', 'retry', String(pending), '999'], { WATCHFLOOR_DB: db });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Not queued again: ${pending}, 999`);
    const notAnId = await runCli(['outbox', 'drop', 'abc'], { WATCHFLOOR_DB: db });
    expect(notAnId.code).toBe(2);
    const store = createStore(db);
    expect(store.outbox.counts()).toEqual({ pending: 2, sent: 0, dead: 0, uncertain: 0 });
    expect(store.outbox.listing(uncertain)).toMatchObject({ status: 'pending', attempts: 0 });
    store.close();
  }, 60_000);

  it('GIVEN --uncertain and --dead THEN every such message is queued again', async () => {
    const { db } = seed();
    const all = await runCli(['outbox', 'requeue', '--uncertain', '--dead'], { WATCHFLOOR_DB: db });
    expect(all.code).toBe(0);
    const store = createStore(db);
    expect(store.outbox.counts()).toMatchObject({ pending: 3, dead: 0, uncertain: 0 });
    store.close();
  }, 60_000);
});
