import type { Command } from 'commander';
import { loadFeeds } from '../../config/feeds.js';
import { describeEventCounts, EVENT_WINDOW_MS } from '../../core/events/match.js';
import { redactText, redactUrl } from '../../core/redact.js';
import { describeRoles, livenessOf, STALE_INTERVALS } from '../../core/roles.js';
import { polledFeeds } from '../../store/added-feeds.js';
import type { StatusFigures } from '../../store/gateway-store.js';
import { commandContext } from '../context.js';
import { openGatewayStore } from '../gateway-target.js';
import { relativeTime, table } from '../format.js';
import { say } from '../output.js';

const DAY_MS = 24 * 3_600_000;

/** `watchfloor status`: every feed's health and the story counts, from the database. */
export function register(program: Command): void {
  program
    .command('status')
    .description('show each feed (last success, failures, last error, next poll) and story counts')
    .option('--json', 'print one JSON object instead of tables')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { paths } = commandContext(command);
      const configured = loadFeeds(paths.feeds);
      // A SQLite file or a PostgreSQL URL: the same reads through the gateway store (ADR 16).
      const { gateway, close } = await openGatewayStore(paths.db);
      const database = redactText(paths.db);
      try {
        const configuredIds = new Set(configured.map((f) => f.id));
        const feeds = polledFeeds(configured, await gateway.addedFeeds());
        const now = Date.now();
        const states = await gateway.feedStates();
        const figures = await gateway.status({ todayFrom: now - DAY_MS, eventsFrom: now - EVENT_WINDOW_MS });
        const { lastCycle, today: counts, storiesTotal: total, outbox, surges, events } = figures;
        const processes = livenessOf(figures.heartbeats, now);
        const rows = feeds.map((feed) => {
          const state = states.get(feed.id);
          const lastError = state?.lastError ?? null;
          return {
            id: feed.id,
            source: configuredIds.has(feed.id) ? 'feeds.json' : 'discord',
            // The topic whose home news it carries (feeds.json "home" or /feeds add home:), or null.
            home: feed.home ?? null,
            enabled: feed.enabled,
            url: redactUrl(feed.url),
            lastSuccessAt: state?.lastSuccessAt ?? null,
            lastAttemptAt: state?.lastAttemptAt ?? null,
            consecutiveFailures: state?.consecutiveFailures ?? 0,
            // Errors recorded before redaction at the fetch existed may still quote a secret.
            lastError: lastError === null ? null : redactText(lastError),
            lastErrorKind: state?.lastErrorKind ?? null,
            nextPollAt: state ? state.nextPollAt : null,
            storiesTotal: state?.storiesTotal ?? 0,
            // The process polling it right now (ADR 11), while its lease runs.
            polledBy: state?.leaseOwner && (state.leaseExpiresAt ?? 0) > now ? state.leaseOwner : null,
          };
        });
        // Feeds neither in feeds.json nor added from Discord but with state in the database: say so, never hide them.
        const orphans = [...states.keys()].filter((id) => !feeds.some((f) => f.id === id));
        if (options.json) {
          // The whole output once more: nothing printed may carry a feed's secret.
          say(`${JSON.stringify({ database, stories: { total, last24h: counts.stories, matchedLast24hPerTopic: counts.perTopic }, lastCycle: lastCycle ?? null, outbox, events: { windowHours: EVENT_WINDOW_MS / 3_600_000, ...events }, processes: processes.map(processJson), feeds: rows, orphanFeeds: orphans, surges: surgesJson(surges) })}\n`);
          return;
        }
        const header = ['FEED', 'FROM', 'STATE', 'LAST SUCCESS', 'FAILURES', 'NEXT POLL', 'STORIES', 'LAST ERROR'];
        const body = rows.map((r) => [
          r.id,
          r.source,
          !r.enabled ? 'disabled' : r.polledBy ? 'polling' : r.lastAttemptAt === null ? 'new' : r.consecutiveFailures > 0 ? 'failing' : 'ok',
          relativeTime(r.lastSuccessAt, now),
          String(r.consecutiveFailures),
          r.enabled ? (r.nextPollAt === null || r.nextPollAt <= now ? 'due' : relativeTime(r.nextPollAt, now)) : '-',
          String(r.storiesTotal),
          r.lastError ? `${r.lastErrorKind ?? 'error'}: ${r.lastError}` : '',
        ]);
        const out: string[] = [];
        out.push(`Database: ${database}`);
        out.push(`Stories: ${total} stored, ${counts.stories} in the last 24 h`);
        const perTopic = Object.entries(counts.perTopic).map(([t, n]) => `${t} ${n}`).join(', ');
        out.push(`Matched in the last 24 h: ${perTopic || 'none'}`);
        out.push(lastCycle
          ? `Last cycle that polled feeds: ${relativeTime(lastCycle.finishedAt, now)} — ${lastCycle.polled} polled, ${lastCycle.ok} ok, ${lastCycle.notModified} not modified, ${lastCycle.failed} failed, ${lastCycle.newStories} new stories`
          : 'Last cycle: none yet (run `watchfloor once` or `watchfloor run`)');
        const held = outbox.uncertain > 0 ? `, ${outbox.uncertain} uncertain (may have been posted: check, then \`watchfloor outbox retry\` or \`drop\`)` : '';
        const dead = outbox.dead > 0 ? ' — see `watchfloor outbox list`' : '';
        out.push(`Outbox: ${outbox.pending} pending, ${outbox.sent} sent, ${outbox.dead} dead${held}${dead}`);
        out.push(`Surges: ${surgesText(surges)}`);
        out.push(`Events: ${describeEventCounts(events)}`);
        out.push(`Processes: ${describeRoles(processes)}`);
        for (const p of processes) {
          out.push(`  ${p.role} pid ${p.pid} on ${p.host}, started ${relativeTime(p.startedAt, now)}, last seen ${relativeTime(p.lastSeenAt, now)}${p.alive ? '' : ` — NOT SEEN for over ${STALE_INTERVALS} intervals: stopped without a clean shutdown, or stuck`}`);
        }
        out.push('');
        out.push(table([header, ...body]));
        if (orphans.length > 0) out.push('', `In the database but no longer in ${paths.feeds}: ${orphans.join(', ')}`);
        say(`${out.join('\n')}\n`);
      } finally {
        await close();
      }
    });
}

type SurgeSummary = StatusFigures['surges'];

/** `status --json` → `processes[]`: each `run` process's role and heartbeat. */
function processJson(p: ReturnType<typeof livenessOf>[number]): Record<string, unknown> {
  return { role: p.role, pid: p.pid, host: p.host, owner: p.owner, startedAt: new Date(p.startedAt).toISOString(), lastSeenAt: new Date(p.lastSeenAt).toISOString(), intervalMs: p.intervalMs, alive: p.alive };
}

/** `status --json` → `surges`: how many per topic and the latest of each. */
function surgesJson(surges: SurgeSummary): Record<string, unknown> {
  return {
    total: surges.reduce((n, s) => n + s.total, 0),
    perTopic: surges.map((s) => ({ topic: s.topic, total: s.total, latest: { hour: new Date(s.latest.hourStart).toISOString(), stories: s.latest.count, usual: s.latest.median, z: Math.round(s.latest.z * 10) / 10 } })),
  };
}

function surgesText(surges: SurgeSummary): string {
  if (surges.length === 0) return 'none yet';
  return surges.map((s) => `${s.topic} ${s.total} (latest ${new Date(s.latest.hourStart).toISOString().slice(0, 13).replace('T', ' ')}:00 UTC, ${s.latest.count} stories, usually ${s.latest.median})`).join('; ');
}
