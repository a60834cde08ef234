/**
 * A surge check in its own process, for the concurrency test: waits for the file argv[4] to exist
 * (so that both children start checking together), checks the database argv[2] at time argv[3],
 * and prints how many surges and notices this process recorded, as JSON.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../src/app/logger.js';
import { checkSurges, surgeOptionsFrom } from '../../src/app/surges.js';
import { createStore } from '../../src/store/index.js';
import { TEST_FEEDS, TEST_TOPICS } from '../helpers/stories.js';

const [dbPath, at, go] = process.argv.slice(2);
if (!dbPath || !at || !go) throw new Error('usage: surge-child <db> <time-ms> <go-file>');
const store = createStore(dbPath);
process.stdout.write('ready\n');
while (!existsSync(go)) await sleep(5);
const report = checkSurges({ store, topics: TEST_TOPICS, feedsById: TEST_FEEDS, log: silentLogger(), ...surgeOptionsFrom({ SURGE_THRESHOLD: 4, SURGE_MIN_STORIES: 6, SURGE_COOLDOWN_HOURS: 6 }) }, Number(at));
store.close();
process.stdout.write(`${JSON.stringify({ surges: report.surges.length, notices: report.notices })}\n`);
