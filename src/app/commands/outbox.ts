import type { Command } from 'commander';
import { ConfigError } from '../../config/errors.js';
import { describeTarget } from '../../discord/deliver.js';
import type { OperatorOutbox } from '../../store/operator-outbox.js';
import { OUTBOX_STATUSES, type OutboxListing, type OutboxStatus } from '../../store/outbox.js';
import { commandContext } from '../context.js';
import { openGatewayStore } from '../gateway-target.js';
import { relativeTime, table } from '../format.js';
import { say, warn } from '../output.js';

const WHERE = 'command line';
/** Rows `outbox list` shows at most. */
const LIST_LIMIT = 200;

/**
 * `watchfloor outbox list|retry|drop`: the messages that need a person. Dead letters (failed for
 * good, with the reason) and uncertain webhook messages (may have been posted; never resent on
 * their own) are listed, and requeued once the cause is fixed or the channel was checked.
 */
export function register(program: Command): void {
  const outbox = program.command('outbox').description('list and requeue dead or uncertain outgoing messages');

  outbox
    .command('list')
    .description('list outgoing messages of one status (default: dead and uncertain ones)')
    .option('--status <status>', `one of ${OUTBOX_STATUSES.join(', ')}`)
    .option('--json', 'print JSON')
    .action(async (options: { status?: string; json?: boolean }, command: Command) => {
      const statuses = options.status === undefined ? (['uncertain', 'dead'] as const) : [parseStatus(options.status)];
      const { paths } = commandContext(command);
      // A SQLite file or a PostgreSQL URL (ADR 16).
      const db = await openGatewayStore(paths.db);
      try {
        const now = Date.now();
        const rows: OutboxListing[] = [];
        for (const status of statuses) rows.push(...(await db.outbox.listByStatus(status, LIST_LIMIT)));
        const targets = new Map((await db.gateway.subscriptions()).map((s) => [s.id, s.target]));
        const where = (row: OutboxListing): string => {
          const target = targets.get(row.subscriptionId);
          return target ? describeTarget(target) : `subscription ${row.subscriptionId} (removed)`;
        };
        if (options.json) {
          const out = rows.map((r) => ({ id: r.id, status: r.status, kind: r.kind, subscriptionId: r.subscriptionId, target: where(r), attempts: r.attempts, lastAttemptAt: r.lastAttemptAt, lastError: r.lastError, problem: r.problem, nonce: r.nonce }));
          say(`${JSON.stringify(out)}\n`);
          return;
        }
        if (rows.length === 0) {
          say(`No ${statuses.join(' or ')} messages.\n`);
          return;
        }
        const lines = rows.map((r) => [String(r.id), r.status, r.kind, where(r), r.lastAttemptAt === null ? 'never' : relativeTime(r.lastAttemptAt, now), r.problem ?? r.lastError ?? '']);
        say(`${table([['ID', 'STATUS', 'KIND', 'TARGET', 'LAST TRY', 'REASON'], ...lines])}\n\n`);
        say('Send again with `watchfloor outbox retry ID…` (or --uncertain / --dead) once the cause is fixed; an uncertain message may already be in the channel: look first. `watchfloor outbox drop ID…` deletes them.\n');
      } finally {
        await db.close();
      }
    });

  registerAction(outbox, {
    name: 'retry',
    alias: 'requeue',
    description: 'send dead or uncertain messages again (an uncertain one may already be in its channel: check first)',
    apply: (outbox, ids) => outbox.requeue(ids, Date.now()),
    done: (ids) => `${ids.length} message(s) queued again${ids.length > 0 ? ` (${ids.join(', ')})` : ''}; \`watchfloor run\` or \`watchfloor once\` sends them.`,
    missed: (ids) => `Not queued again: ${ids.join(', ')} — no such message, or it is pending or sent already (see \`watchfloor outbox list --status pending\`).`,
  });
  registerAction(outbox, {
    name: 'drop',
    description: 'delete dead or uncertain messages for good (they are never sent)',
    apply: (outbox, ids) => outbox.drop(ids),
    done: (ids) => `${ids.length} message(s) dropped${ids.length > 0 ? ` (${ids.join(', ')})` : ''}.`,
    missed: (ids) => `Not dropped: ${ids.join(', ')} — no such message, or it is pending or sent (only dead and uncertain messages can be dropped).`,
  });
}

/** `outbox retry` and `outbox drop`: the same selection (ids, --uncertain, --dead), another action. */
function registerAction(
  outbox: Command,
  spec: {
    name: string;
    alias?: string;
    description: string;
    apply: (outbox: OperatorOutbox, ids: readonly number[]) => Promise<number[]>;
    done: (ids: readonly number[]) => string;
    missed: (ids: readonly number[]) => string;
  },
): void {
  const command = outbox.command(spec.name);
  if (spec.alias) command.alias(spec.alias);
  command
    .description(spec.description)
    .argument('[ids...]', 'outbox message ids, as `outbox list` shows them')
    .option('--uncertain', 'every uncertain message')
    .option('--dead', 'every dead letter')
    .action(async (ids: string[], options: { uncertain?: boolean; dead?: boolean }, self: Command) => {
      const wanted = ids.map((id) => parseId(id, `outbox ${spec.name}`));
      if (wanted.length === 0 && !options.uncertain && !options.dead) {
        throw new ConfigError(WHERE, `outbox ${spec.name}`, 'name the messages: ids, --uncertain or --dead (see `watchfloor outbox list`)');
      }
      const { paths } = commandContext(self);
      const db = await openGatewayStore(paths.db);
      try {
        const byStatus = async (status: OutboxStatus) => (await db.outbox.listByStatus(status, Number.MAX_SAFE_INTEGER)).map((r) => r.id);
        const all = [...wanted, ...(options.uncertain ? await byStatus('uncertain') : []), ...(options.dead ? await byStatus('dead') : [])];
        const done = await spec.apply(db.outbox, [...new Set(all)]);
        const missed = wanted.filter((id) => !done.includes(id));
        say(`${spec.done(done)}\n`);
        if (missed.length > 0) {
          warn(`${spec.missed(missed)}\n`);
          process.exitCode = 1;
        }
      } finally {
        await db.close();
      }
    });
}

function parseId(id: string, command: string): number {
  if (!/^\d{1,15}$/.test(id)) throw new ConfigError(WHERE, command, `"${id}" is not a message id: give the numbers \`watchfloor outbox list\` shows`);
  return Number(id);
}

function parseStatus(value: string): OutboxStatus {
  const status = OUTBOX_STATUSES.find((s) => s === value);
  if (!status) throw new ConfigError(WHERE, '--status', `"${value}" is not a status: use one of ${OUTBOX_STATUSES.join(', ')}`);
  return status;
}
