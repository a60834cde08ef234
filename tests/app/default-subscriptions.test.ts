import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDelivery } from '../../src/app/delivery.js';
import { silentLogger } from '../../src/app/logger.js';
import { loadEnv } from '../../src/config/env.js';
import { createStore, type Store } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { captureOutput, TEST_FEEDS, TEST_TOPICS } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * The automatic subscriptions follow the configuration: the first console run no longer blocks a
 * webhook set up later, and a subscription of one's own replaces them instead of doubling every
 * alert.
 */
const tempDir = useTempDir();
const HOOK = `https://discord.com/api/webhooks/600000000000000001/${'t'.repeat(68)}`;
const opened: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const x of opened.splice(0).reverse()) await x.close();
});

function start(store: Store, env: Record<string, string>) {
  const delivery = createDelivery({ store, env: loadEnv(env), log: silentLogger(), topics: TEST_TOPICS, feedsById: TEST_FEEDS, output: captureOutput().stream, retry: { waitMs: 0 } });
  opened.push(delivery);
  return delivery;
}

const shape = (store: Store) => store.subscriptions.list().map((s) => [s.target.kind, s.mode, s.createdBy]);

describe('automatic subscriptions', () => {
  it('GIVEN a first run on the console WHEN DISCORD_WEBHOOK_URL is set later THEN the webhook replaces the console defaults; a changed URL replaces it again', async () => {
    const path = join(tempDir(), 'w.db');
    const store = createStore(path);
    opened.push(store);
    await start(store, {}).close();
    expect(shape(store)).toEqual([['console', 'instant', 'default'], ['console', 'digest', 'default']]);
    await start(store, { DISCORD_WEBHOOK_URL: HOOK }).close();
    expect(store.subscriptions.list().map((s) => s.target)).toEqual([{ kind: 'webhook', url: HOOK }]);
    const other = HOOK.replace('600000000000000001', '600000000000000002');
    await start(store, { DISCORD_WEBHOOK_URL: other }).close();
    expect(store.subscriptions.list().map((s) => s.target)).toEqual([{ kind: 'webhook', url: other }]);
    // Unchanged configuration: the same subscription, not a new one each start.
    const id = store.subscriptions.list()[0]?.id;
    await start(store, { DISCORD_WEBHOOK_URL: other }).close();
    expect(store.subscriptions.list().map((s) => s.id)).toEqual([id]);
  });

  it('GIVEN console defaults WHEN the operator subscribes the console to everything THEN the defaults go (no alert twice), the listing marks automatic ones, and a second overlapping subscribe warns', async () => {
    const db = join(tempDir(), 'w.db');
    const store = createStore(db);
    await start(store, {}).close();
    store.close();
    const listed = await runCli(['subscriptions'], { WATCHFLOOR_DB: db });
    expect(listed.stdout).toMatch(/#1\s+console \(automatic\)/);
    const subscribed = await runCli(['subscribe', '--console', '--topics', 'all'], { WATCHFLOOR_DB: db });
    expect(subscribed.code).toBe(0);
    expect(subscribed.stdout).toContain('Removed the automatic #1 console (automatic)');
    const after = createStore(db);
    expect(shape(after)).toEqual([['console', 'instant', 'cli']]);
    after.close();
    const twice = await runCli(['subscribe', '--console', '--topics', 'ukraine'], { WATCHFLOOR_DB: db });
    expect(twice.code).toBe(0);
    expect(twice.stderr).toMatch(/Warning: #3 console ← \* · instant already sends some of these topics there: those stories will be posted twice\. Remove one with `watchfloor unsubscribe 3`/);
  }, 60_000);
});
