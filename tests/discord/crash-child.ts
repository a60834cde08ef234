/**
 * A deliverer in its own process, for the crash test: drains the outbox of the database given
 * as argv[2] against the fake Discord at argv[3]. The test kills it with SIGKILL mid-send.
 */
import { createDelivery } from '../../src/app/delivery.js';
import { silentLogger } from '../../src/app/logger.js';
import { loadEnv } from '../../src/config/env.js';
import { createStore } from '../../src/store/index.js';
import { FAKE_TOKEN } from '../helpers/fake-discord.js';
import { TEST_FEEDS, TEST_TOPICS } from '../helpers/stories.js';

const [dbPath, apiBase] = process.argv.slice(2);
if (!dbPath || !apiBase) throw new Error('usage: crash-child <db> <api-base>');
const store = createStore(dbPath);
const delivery = createDelivery({
  store,
  env: loadEnv({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: apiBase }),
  log: silentLogger(),
  topics: TEST_TOPICS,
  feedsById: TEST_FEEDS,
  // Long enough that only the kill ends this send.
  rest: { offset: 0, timeout: 60_000, retries: 0 },
});
process.stdout.write('draining\n');
await delivery.drain();
process.stdout.write('drained\n');
