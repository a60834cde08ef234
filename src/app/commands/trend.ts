import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { MAX_ATTACHMENT_BYTES } from '../../charts/render.js';
import { buildTrendChart } from '../../charts/trend.js';
import { loadRules } from '../../config/rules.js';
import { isTimeZone, TREND_DAYS } from '../../core/trends/series.js';
import type { TopicInfo } from '../../core/types.js';
import { commandContext } from '../context.js';
import { openGatewayStore } from '../gateway-target.js';
import { FlagProblems, parseInteger, parseTopic } from './news.js';
import { say } from '../output.js';

interface TrendFlags {
  readonly out?: string;
  readonly topic?: string;
  readonly days?: string;
  readonly tz?: string;
  readonly json?: boolean;
}

/** Why `path` cannot be written, or null. Checked before the chart is drawn, so a typo costs nothing. */
function outProblem(path: string): string | null {
  const full = resolve(path);
  try {
    if (statSync(full).isDirectory()) return `"${path}" is a directory; fix: name a file in it, e.g. --out ${path.replace(/\/$/u, '')}/chart.png`;
  } catch {
    // Does not exist yet: its folder must.
  }
  const folder = dirname(full);
  try {
    if (!statSync(folder).isDirectory()) return `"${folder}" is not a folder; fix: --out a path in an existing folder`;
  } catch {
    return `folder "${folder}" does not exist; fix: create it first, or --out a path in an existing folder`;
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    return `folder "${folder}" is not writable by this user; fix: --out a path you can write, e.g. --out ./chart.png`;
  }
  return null;
}

/** `watchfloor trend --out chart.png [--topic ID] [--days N] [--tz IANA]`: the chart `/news trend` posts, as a PNG file. */
async function trend(flags: TrendFlags, command: Command): Promise<void> {
  const { paths } = commandContext(command);
  const topics = loadRules(paths.rules).topics.map((t): TopicInfo => ({ id: t.id, label: t.label, color: t.color }));
  const problems = new FlagProblems();
  if (flags.out === undefined || flags.out.trim() === '') problems.add('--out', 'is required: the PNG file to write, e.g. --out chart.png');
  const out = flags.out?.trim() ?? '';
  if (out !== '') {
    const problem = outProblem(out);
    if (problem) problems.add('--out', problem);
  }
  const topic = parseTopic(problems, flags.topic, topics);
  const days = parseInteger(problems, '--days', flags.days, TREND_DAYS);
  const timeZone = flags.tz?.trim() || 'UTC';
  if (!isTimeZone(timeZone)) problems.add('--tz', `"${timeZone}" is not an IANA time zone name; fix: e.g. --tz Asia/Seoul, --tz Europe/Kyiv or --tz UTC`);
  problems.throwIfAny();
  // A SQLite file or a PostgreSQL URL (ADR 16).
  const { gateway, close } = await openGatewayStore(paths.db);
  try {
    // The operator sees every feed, including those servers added.
    const chart = await buildTrendChart({ trends: gateway.trends, topics: topic ? topics.filter((t) => t.id === topic) : topics, days, now: Date.now(), timeZone });
    try {
      writeFileSync(out, chart.png);
    } catch (error) {
      problems.add('--out', `cannot write "${out}" (${error instanceof Error ? error.message : String(error)}); fix: --out a path you can write`);
      problems.throwIfAny();
    }
    const summary = {
      out: resolve(out),
      bytes: chart.png.length,
      withinDiscordLimit: chart.png.length <= MAX_ATTACHMENT_BYTES,
      width: chart.spec.width,
      height: chart.spec.height,
      unit: chart.spec.xTitle.startsWith('Hour') ? 'hour' : 'day',
      days,
      timeZone,
      topics: chart.totals.map((t) => ({ topic: t.topic.id, stories: t.stories })),
      surges: chart.surges.map((s) => ({ topic: s.topic, hour: new Date(s.hourStart).toISOString(), stories: s.count })),
    };
    const text = flags.json
      ? JSON.stringify(summary)
      : `Wrote ${summary.out} (${summary.width}×${summary.height} PNG, ${summary.bytes} bytes): ${chart.spec.title}\n${summary.topics.map((t) => `${t.topic} ${t.stories}`).join(' · ')}; ${summary.surges.length} surge(s) marked`;
    say(`${text}\n`);
  } finally {
    await close();
  }
}

export function register(program: Command): void {
  program
    .command('trend')
    .description('write the /news trend chart to a PNG file: matched stories per day (per hour up to 2 days) per topic, surges marked, in UTC or --tz')
    .option('--out <file>', 'the PNG file to write (required)')
    .option('--topic <id>', 'only this topic (id or label; default: all)')
    .option('--days <n>', `days back (${TREND_DAYS.min}–${TREND_DAYS.max}, default ${TREND_DAYS.fallback}; up to 2: per hour)`)
    .option('--tz <iana>', 'time zone of the days and labels, e.g. Asia/Seoul (default UTC)')
    .option('--json', 'print what was written as one JSON object')
    .action(async (flags: TrendFlags, command: Command) => {
      await trend(flags, command);
    });
}
