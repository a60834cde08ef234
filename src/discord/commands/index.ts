import { feeds } from './feeds.js';
import { news } from './news.js';
import { statusCommand } from './status.js';
import type { CommandModule } from './types.js';
import { watch } from './watch.js';

/** Every slash command, in the order Discord lists them. */
export const COMMANDS: readonly CommandModule[] = [news, watch, feeds, statusCommand];

/** The registration bodies for PUT /applications/:id/commands. */
export function commandDefinitions(commands: readonly CommandModule[] = COMMANDS): unknown[] {
  return commands.map((c) => c.data.toJSON());
}

export { UserError } from './types.js';
export type { CommandDeps, CommandModule, Reply, Invocation } from './types.js';
