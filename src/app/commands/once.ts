import type { Command } from 'commander';
import { ConfigError } from '../../config/errors.js';
import { NOT_ALERTED_LABELS, type NotAlertedReason } from '../../core/route.js';
import { commandContext } from '../context.js';
import { relativeTime, table } from '../format.js';
import { createLogger } from '../logger.js';
import type { CycleReport, FeedPollResult } from '../pipeline.js';
import { createRuntime } from '../runtime.js';
import { preloadChartLibraries } from '../../charts/render.js';
import { checkSurgesAfterCycle } from '../surges.js';
import { say, warn } from '../output.js';

interface OnceOptions {
  readonly all?: boolean;
  readonly feed?: string[];
  readonly json?: boolean;
  readonly deliver: boolean;
}

/** `watchfloor once`: one complete cycle (poll, store, deliver), for cron jobs and CI. */
export function register(program: Command): void {
  program
    .command('once')
    .description('run one poll cycle of the due feeds, deliver what it routed and the digests that are due, and exit')
    .option('--all', 'poll every enabled feed, due or not')
    .option('--feed <id...>', 'poll only these feed ids (implies --all for them)')
    .option('--json', 'print one JSON object (the cycle report) instead of text')
    .option('--no-deliver', 'store and route, but leave delivery to a later run')
    .action(async (options: OnceOptions, command: Command) => {
      const { env, paths } = commandContext(command);
      // The per-feed report already says what failed; logs stay for real trouble unless asked.
      const log = createLogger({ level: process.env.LOG_LEVEL ? env.LOG_LEVEL : 'error', format: env.LOG_FORMAT });
      const runtime = await createRuntime({ env, paths, log });
      try {
        const feeds = runtime.allFeeds();
        const unknown = (options.feed ?? []).filter((id) => !feeds.some((f) => f.id === id));
        if (unknown.length > 0) {
          throw new ConfigError('--feed', '', `unknown feed id(s): ${unknown.join(', ')}. Known ids are listed by \`watchfloor status\`.`);
        }
        const progress = createProgress(!options.json && process.stderr.isTTY);
        const report = await runtime.poller.runCycle(feeds, {
          force: options.all === true || options.feed !== undefined,
          ...(options.feed ? { only: options.feed } : {}),
          onStart: progress.start,
          onFeedDone: progress.update,
        });
        progress.end();
        const surges = checkSurgesAfterCycle(runtime, Date.now());
        let delivered = null;
        if (options.deliver) {
          if (env.DIGEST_CHART) await preloadChartLibraries();
          const now = Date.now();
          const digests = runtime.delivery.runDueDigests(now);
          const drained = await runtime.delivery.drain();
          delivered = { digestsQueued: digests, ...drained };
        }
        // A refused token is the operator's to fix: the messages wait (pending, attempts kept),
        // and the exit code says "configuration" so a cron job's mail says so too.
        const refused = delivered?.tokenRejected === true
          ? new ConfigError('environment', 'DISCORD_TOKEN', "Discord rejected the token (401 Unauthorized): messages to channels were not sent and wait in the outbox. Copy the bot's token again (developer portal → Bot → Reset Token) into DISCORD_TOKEN, then run again.")
          : null;
        if (options.json) {
          say(`${JSON.stringify({ ...report, delivery: delivered, surges: { recorded: surges.surges.length, notices: surges.notices } })}\n`);
        } else {
          say(`${renderReport(report, Date.now())}\n`);
          if (delivered) {
            const held = delivered.uncertain > 0 ? `, ${delivered.uncertain} held as uncertain (see \`watchfloor outbox list --status uncertain\`)` : '';
            say(
              `Delivery: ${delivered.sent} message(s) sent, ${delivered.retried} retried, ${delivered.dead} dead letter(s)${held}, ${delivered.pending} pending; ${delivered.digestsQueued} digest(s) composed.\n`,
            );
          }
        }
        if (refused) throw refused;
      } finally {
        await runtime.close();
      }
    });
}

/** One line per feed and a summary. */
export function renderReport(report: CycleReport, now: number): string {
  if (report.results.length === 0) {
    return 'No feed is due. Use --all to poll every enabled feed now, or see `watchfloor status` for the next poll times.';
  }
  const rows = [...report.results]
    .sort((a, b) => (a.feedId < b.feedId ? -1 : a.feedId > b.feedId ? 1 : 0))
    .map((r) => [r.feedId, outcomeLabel(r), detail(r, now)]);
  const t = report.totals;
  const summary =
    `${t.polled} feed${t.polled === 1 ? '' : 's'} polled in ${((report.finishedAt - report.startedAt) / 1000).toFixed(1)} s: ` +
    `${t.ok} ok, ${t.notModified} not modified, ${t.failed} failed` +
    (t.skipped > 0 ? `, ${t.skipped} skipped (another process is polling them)` : '') +
    '; ' +
    `${t.newStories} new stor${t.newStories === 1 ? 'y' : 'ies'} (${t.matchedStories} matched), ${t.routed} alert${t.routed === 1 ? '' : 's'} queued.` +
    describeNotAlerted(t.notAlerted);
  return `${table([['FEED', 'RESULT', 'DETAIL'], ...rows])}\n\n${summary}`;
}

/** " 5 matched stories not alerted: 4 published longer ago than …; 1 …" or nothing. */
export function describeNotAlerted(counts: Readonly<Partial<Record<NotAlertedReason, number>>>): string {
  const parts = (Object.entries(counts) as [NotAlertedReason, number][]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  if (parts.length === 0) return '';
  const total = parts.reduce((n, [, k]) => n + k, 0);
  return `\n${total} matched stor${total === 1 ? 'y' : 'ies'} not alerted: ${parts.map(([reason, n]) => `${n} ${NOT_ALERTED_LABELS[reason]}`).join('; ')}.`;
}

function outcomeLabel(r: FeedPollResult): string {
  switch (r.outcome) {
    case 'new':
      return `${r.newStories} new`;
    case 'unchanged':
      return 'no new stories';
    case 'not-modified':
      return 'not modified';
    case 'error':
      return `error (${r.error?.kind ?? 'unknown'})`;
    case 'skipped':
      return 'skipped';
  }
}

function detail(r: FeedPollResult, now: number): string {
  if (r.outcome === 'skipped') return r.skipReason ?? '';
  if (r.outcome === 'error') {
    return `${r.error?.message ?? ''} — failure ${r.consecutiveFailures} in a row, next try ${relativeTime(r.nextPollAt, now)}`;
  }
  const parts: string[] = [];
  if (r.matchedStories > 0) {
    parts.push(`${r.matchedStories} matched (${Object.entries(r.perTopic).map(([topic, n]) => `${topic} ${n}`).join(', ')})`);
  }
  if (r.seenStories > 0) parts.push(`${r.seenStories} already stored`);
  if (r.droppedItems > 0) parts.push(`${r.droppedItems} item${r.droppedItems === 1 ? '' : 's'} without title or link skipped`);
  parts.push(`${Math.round(r.bytes / 1024)} KB, ${r.durationMs} ms`);
  return parts.join('; ');
}

/** A one-line progress display on a terminal; nothing when output is piped. */
function createProgress(enabled: boolean) {
  let total = 0;
  return {
    start: (n: number) => {
      total = n;
      if (enabled && n > 0) warn(`polling ${n} feed${n === 1 ? '' : 's'}…`);
    },
    update: (result: FeedPollResult, done: number) => {
      if (enabled) warn(`\r\x1b[2Kpolling: ${done}/${total} done (last: ${result.feedId})`);
    },
    end: () => {
      if (enabled && total > 0) warn('\r\x1b[2K');
    },
  };
}
