/**
 * Entry point of the feed server process (see `spawnFeedServer`). Arguments: feed count and
 * the anchor time (epoch ms) of the generated dates. Commands arrive over IPC.
 */
import { z } from 'zod';
import { startFeedServer } from './server.js';

const commandSchema = z.object({ id: z.number(), cmd: z.enum(['advance', 'stats', 'reset-stats']), fraction: z.number().optional(), seed: z.number().optional() });

const count = Number(process.argv[2]);
const anchorMs = Number(process.argv[3]);
if (!Number.isInteger(count) || count < 1 || !Number.isFinite(anchorMs)) {
  process.stderr.write('usage: server-process <feed count> <anchor epoch ms>\n');
  process.exit(2);
}
const server = await startFeedServer(count, anchorMs);
process.on('message', (message) => {
  const parsed = commandSchema.safeParse(message);
  if (!parsed.success) return;
  const { id, cmd } = parsed.data;
  let value: unknown = null;
  if (cmd === 'advance') value = server.advance(parsed.data.fraction ?? 0.1, parsed.data.seed ?? 1);
  else if (cmd === 'stats') value = server.stats();
  else server.resetStats();
  process.send?.({ type: 'reply', id, value });
});
const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('disconnect', stop);
process.send?.({ type: 'ready', urls: server.specs.map((s) => server.urlOf(s)) });
