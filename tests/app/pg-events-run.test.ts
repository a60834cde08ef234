import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateTraffic } from '../../bench/traffic.js';
import { DAY_MS, HOUR_MS } from '../../src/core/news.js';
import { messageBodyProblems } from '../helpers/discord-schemas.js';
import { EVENT_OUTLETS, newsroomGuild } from '../helpers/event-outlets.js';
import { DEFAULT_GUILD_ID, DEFAULT_ROLE_ID, FAKE_TOKEN, startFakeDiscord, type FakeDiscord } from '../helpers/fake-discord.js';
import { pgQuery, until, usePgRun } from '../helpers/pg-run.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * Living alerts with `run --role poller|deliverer` on a real PostgreSQL server (ADR 16): five
 * outlets report one event one after another, polled by two pollers (either may store any
 * report) and delivered by the real CLI over discord.js's REST client to the loopback fake
 * Discord, with the deliverer killed between posting the alert and recording it. Topic surges
 * over two weeks of generated traffic with one injected surge, checked by two deliverers.
 */
const tempDir = useTempDir();
const EVENT_CHANNEL = '300000000000000021';
const INSTANT_CHANNEL = '300000000000000022';

const run = usePgRun();
/** How many outlets serve their report; the others serve an empty feed. */
let released = 0;
let fake: FakeDiscord | null = null;

function rss(index: number, publishedAt: number): string {
  const outlet = EVENT_OUTLETS[index];
  if (!outlet) throw new Error(`no outlet ${index}`);
  const item = index < released
    ? `<item><title>${outlet.title}</title><link>https://${outlet.id}.example/news/launch</link><guid>${outlet.id}-launch</guid><pubDate>${new Date(publishedAt).toUTCString()}</pubDate><description>The military said the launch happened this morning.</description></item>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${outlet.name}</title><link>https://${outlet.id}.example/</link><description>news</description>${item}</channel></rss>`;
}

beforeAll(() => {
  const published = Date.now() - 10 * 60_000;
  EVENT_OUTLETS.forEach((outlet, index) => {
    run.feeds().route(`/outlet/${outlet.id}`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      res.end(rss(index, published));
    });
  });
});

afterEach(async () => {
  await fake?.close();
  fake = null;
});

const pidOf = (owner: string): number => Number(owner.split(':').at(-2));
const contentOf = (body: Record<string, unknown>): string => (typeof body.content === 'string' ? body.content : '');
const alsoReported = (body: Record<string, unknown>) =>
  (body.embeds as { fields?: { name: string; value: string }[] }[] | undefined)?.[0]?.fields?.find((f) => f.name.startsWith('Also reported by'));

describe('living alerts on PostgreSQL', () => {
  it('GIVEN 5 outlets reporting one event through two pollers and a deliverer killed between send and record THEN the event channel gets ONE alert edited 4 times, 4 thread reports and ONE 🚨 Developing notice', async () => {
    const discord = await startFakeDiscord({ guilds: [newsroomGuild([{ id: EVENT_CHANNEL, name: 'events' }, { id: INSTANT_CHANNEL, name: 'instant' }])] });
    fake = discord;
    const url = await run.server().createDatabase(`wf_events_${process.pid}`);
    const { openPgDatabase } = await import('../../src/store/pg/db.js');
    const pool = await openPgDatabase(url, { max: 1 }); // migrates
    for (const [mode, channel, role] of [['event', EVENT_CHANNEL, DEFAULT_ROLE_ID], ['instant', INSTANT_CHANNEL, null]] as const) {
      await pool.query(`INSERT INTO subscriptions (target_kind, guild_id, channel_id, topics, mode, max_age_ms, mention_role_id, created_at, created_by)
        VALUES ('channel', $1, $2, '["north-korea"]', $3, $4, $5, $6, 'test')`, [DEFAULT_GUILD_ID, channel, mode, 24 * 3_600_000, role, Date.now() - 3_600_000]);
    }
    await pool.end();
    const dir = tempDir();
    const feedsFile = join(dir, 'feeds.json');
    writeFileSync(feedsFile, JSON.stringify({ feeds: EVENT_OUTLETS.map((o) => ({ id: o.id, name: o.name, url: run.feeds().url(`/outlet/${o.id}`), language: o.language, kind: 'outlet' })) }));
    const env = {
      WATCHFLOOR_FEEDS: feedsFile,
      WATCHFLOOR_DB: url,
      WATCHFLOOR_MODEL: join(dir, 'model.json'),
      POLL_SCHEDULE: '*/1 * * * * *',
      PARSE_THREADS: '0',
      LOG_LEVEL: 'info',
      DISCORD_TOKEN: FAKE_TOKEN,
      DISCORD_API_BASE: discord.apiBase,
      DELIVERY_TICK_MS: '1000',
    };
    const logs = run.logs;
    // The alert is posted by Discord but never answered: its deliverer hangs in the send.
    discord.inject({ method: 'POST', path: `/channels/${EVENT_CHANNEL}/messages`, status: 200, afterProcessing: true, hang: true });
    run.start('poller', env);
    run.start('poller', env);
    const first = run.start('deliverer', env);
    // Every outlet polled once (empty), so that a released one is re-polled on demand.
    await until('first poll of every outlet', async () => Number((await pgQuery<{ n: number }>(url, 'SELECT count(*)::int AS n FROM feed_state WHERE last_success_at IS NOT NULL AND lease_owner IS NULL'))[0]?.n) === EVENT_OUTLETS.length, 90_000, logs);
    const release = async (index: number): Promise<void> => {
      released = index + 1;
      await pgQuery(url, 'UPDATE feed_state SET next_poll_at = 0 WHERE feed_id = $1', [EVENT_OUTLETS[index]?.id]);
    };

    await release(0);
    await discord.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${EVENT_CHANNEL}/messages`);
    let claimedBy = '';
    await until('the hung alert claimed mid-send', async () => {
      claimedBy = (await pgQuery<{ claimed_by: string }>(url, "SELECT claimed_by FROM outbox WHERE kind = 'alert' AND event_id IS NOT NULL AND send_started_at IS NOT NULL AND claimed_by IS NOT NULL"))[0]?.claimed_by ?? '';
      return claimedBy !== '';
    }, 10_000, logs);
    expect(pidOf(claimedBy)).toBe(first.child.pid);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    run.start('deliverer', env);
    await until('the alert recorded as sent', async () => (await pgQuery(url, "SELECT 1 FROM outbox WHERE kind = 'alert' AND event_id IS NOT NULL AND status = 'sent'")).length === 1, 90_000, logs);
    const [alert] = discord.messagesIn(EVENT_CHANNEL);
    if (!alert) throw new Error('no alert in the event channel');

    // The later reports, one after another: each edits the alert once.
    for (let index = 1; index < EVENT_OUTLETS.length; index++) {
      await release(index);
      await until(`edit ${index} of the alert`, () => discord.edits.filter((e) => e.messageId === alert.id).length >= index, 60_000, logs);
    }
    await until('the developing notice', () => discord.messagesIn(EVENT_CHANNEL).some((m) => contentOf(m.body).startsWith('🚨 **Developing**')), 30_000, logs);
    await until('every row settled', async () => (await pgQuery(url, "SELECT 1 FROM outbox WHERE status != 'sent'")).length === 0, 30_000, logs);
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // a few more cycles and ticks: nothing more may come

    const inEvents = discord.messagesIn(EVENT_CHANNEL);
    const developing = inEvents.filter((m) => contentOf(m.body).startsWith('🚨 **Developing**'));
    expect(developing).toHaveLength(1);
    expect(inEvents.filter((m) => !developing.includes(m)).map((m) => m.id)).toEqual([alert.id]);
    // The resend after the kill carried the alert's nonce: Discord returned the first message.
    const alertPosts = discord.messageRequests().filter((r) => r.method === 'POST' && r.path === `/channels/${EVENT_CHANNEL}/messages` && !contentOf(r.body as Record<string, unknown>).startsWith('🚨'));
    expect(alertPosts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(alertPosts.map((r) => (r.body as { nonce?: string }).nonce)).size).toBe(1);
    // Four PATCHes of the one alert; its final state lists the four other outlets.
    expect(discord.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${EVENT_CHANNEL}/messages/${alert.id}`)).toHaveLength(4);
    expect(discord.edits.filter((e) => e.messageId === alert.id)).toHaveLength(4);
    const edited = inEvents.find((m) => m.id === alert.id);
    const field = alsoReported(edited?.body ?? {});
    expect(field?.name).toBe('Also reported by 4 outlets');
    expect(field?.value.split('\n')[0]).toContain('Times E');
    expect(contentOf(developing[0]?.body ?? {})).toBe(`🚨 **Developing** <@&${DEFAULT_ROLE_ID}>`);
    // The four later reports in one thread under the alert.
    expect(discord.threads).toMatchObject([{ id: alert.id, parentId: EVENT_CHANNEL }]);
    expect(discord.messagesIn(alert.id)).toHaveLength(4);
    // The instant subscription beside it: one message per report.
    expect(discord.messagesIn(INSTANT_CHANNEL)).toHaveLength(5);
    for (const request of discord.messageRequests()) expect(messageBodyProblems(request), `${request.method} ${request.path}`).toEqual([]);

    // One event with its five reports, whichever poller stored each.
    expect(await pgQuery(url, 'SELECT count(*)::int AS n FROM events')).toEqual([{ n: 1 }]);
    expect(await pgQuery(url, 'SELECT count(DISTINCT feed_id)::int AS n FROM event_reports')).toEqual([{ n: 5 }]);
    const rows = await pgQuery<{ kind: string; n: number }>(url, "SELECT kind, count(*)::int AS n FROM outbox WHERE subscription_id = 1 AND kind IN ('alert', 'developing', 'event-report') GROUP BY kind ORDER BY kind");
    expect(rows).toEqual([{ kind: 'alert', n: 1 }, { kind: 'developing', n: 1 }, { kind: 'event-report', n: 4 }]);
  }, 300_000);

  it('GIVEN two weeks of generated traffic with one injected surge in the current hour WHEN two deliverers check THEN exactly one surge is recorded and one surge notice posted', async () => {
    const discord = await startFakeDiscord({ guilds: [newsroomGuild([{ id: EVENT_CHANNEL, name: 'events' }])] });
    fake = discord;
    const url = await run.server().createDatabase(`wf_surges_${process.pid}`);
    const { openPgDatabase } = await import('../../src/store/pg/db.js');
    const pool = await openPgDatabase(url, { max: 1 }); // migrates
    const current = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    await pool.query(`INSERT INTO subscriptions (target_kind, guild_id, channel_id, topics, mode, max_age_ms, created_at, created_by)
      VALUES ('channel', $1, $2, '["north-korea"]', 'instant', $3, $4, 'test')`, [DEFAULT_GUILD_ID, EVENT_CHANNEL, 24 * 3_600_000, current - 15 * DAY_MS]);
    // Each hour's stories seen from 5 minutes past it (published 4 minutes before); the current
    // hour's are already seen, with 20 more North Korea stories in it.
    const stories: { topic: string; seen: number }[] = [];
    for (const h of generateTraffic(current - 14 * DAY_MS, 14 * 24 + 1, 7)) {
      for (let i = 0; i < h.count; i++) stories.push({ topic: h.topic, seen: h.hour + 5 * 60_000 + i * 1_000 });
    }
    for (let i = 0; i < 20; i++) stories.push({ topic: 'north-korea', seen: current + 5 * 60_000 + i * 1_000 });
    const ids = stories.map((_, i) => `traffic-${i}`);
    await pool.query(`WITH s AS (
        INSERT INTO stories (id, feed_id, url, title, summary, published_at, first_seen_at, language)
        SELECT id, 'wire', 'https://traffic.example/' || id, topic || ' report ' || id, 'Officials said so.', seen - 240000, seen, 'en'
        FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(id, topic, seen)
        RETURNING rowid, id, first_seen_at),
      src AS (INSERT INTO story_sources (story_rowid, feed_id, seen_at) SELECT rowid, 'wire', first_seen_at FROM s)
      INSERT INTO story_verdicts (story_rowid, topic, matched, score, keyword_score, reasons)
      SELECT s.rowid, t.topic, 1, 5, 5, '{"threshold":3,"reasons":[]}' FROM s JOIN unnest($1::text[], $2::text[]) AS t(id, topic) ON t.id = s.id`,
    [ids, stories.map((x) => x.topic), stories.map((x) => Math.min(x.seen, Date.now()))]);
    await pool.end();
    const dir = tempDir();
    const feedsFile = join(dir, 'feeds.json');
    writeFileSync(feedsFile, JSON.stringify({ feeds: [{ id: 'wire', name: 'Wire', url: run.feeds().url('/outlet/wire-a'), language: 'en', kind: 'wire' }] }));
    const env = {
      WATCHFLOOR_FEEDS: feedsFile, WATCHFLOOR_DB: url, WATCHFLOOR_MODEL: join(dir, 'model.json'), LOG_LEVEL: 'info',
      DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: discord.apiBase, DELIVERY_TICK_MS: '1000',
    };
    const deliverers = [run.start('deliverer', env), run.start('deliverer', env)];
    const logs = (): string => deliverers.map((c) => c.output().stderr.slice(-3000)).join('\n----\n');
    await until('the surge notice', () => discord.messagesIn(EVENT_CHANNEL).length >= 1, 60_000, logs);
    // A few more ticks of both deliverers: nothing more may come.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const messages = discord.messagesIn(EVENT_CHANNEL);
    expect(messages).toHaveLength(1);
    expect(JSON.stringify(messages[0]?.body)).toMatch(/surge/i);
    expect(await pgQuery<{ topic: string; n: number }>(url, 'SELECT topic, count(*)::int AS n FROM surges GROUP BY topic')).toEqual([{ topic: 'north-korea', n: 1 }]);
    expect(await pgQuery(url, "SELECT kind, status FROM outbox")).toEqual([{ kind: 'surge', status: 'sent' }]);
    const announced = deliverers.flatMap((d) => d.output().stderr.split('\n').filter((line) => line.includes('"topic surge"')));
    expect(announced).toHaveLength(1);
  }, 120_000);
});
