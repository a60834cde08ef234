/**
 * A second process writing to a Watchfloor database, as `run` does during a poll cycle: batches
 * of stories in transactions, back to back, until SIGTERM. Prints the stories it has committed
 * after every batch. Usage: node --import tsx tests/helpers/db-writer.ts DB_FILE
 */
import { createStore } from '../../src/store/index.js';
import { makeStory } from './stories.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: db-writer.ts DB_FILE');
const store = createStore(path);
let committed = 0;
let stopping = false;

const batch = () => {
  if (stopping) return;
  store.transaction(() => {
    for (let i = 0; i < 25; i++) store.stories.insert(makeStory({ feedId: 'writer', summary: `Written during the backup. ${'Detail '.repeat(30)}` }), null);
  });
  committed += 25;
  process.stdout.write(`${committed}\n`);
  setTimeout(batch, 2);
};

process.once('SIGTERM', () => {
  stopping = true;
  store.close();
  process.exit(0);
});
batch();
