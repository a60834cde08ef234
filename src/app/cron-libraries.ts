import { createRequire } from 'node:module';

/**
 * The two cron libraries, loaded on first use (both CommonJS, so synchronously). A `once` with no
 * digest subscription never reads a schedule and never loads them (~20 ms and ~9 MB of a
 * one-feed `once`; ADR 15). `run` and `check` use them at once and import them directly.
 */
const load = createRequire(import.meta.url);

type CronParser = typeof import('cron-parser');
type NodeCron = typeof import('node-cron').default;

let parser: CronParser | undefined;
let nodeCron: NodeCron | undefined;

/** The part of luxon's `Settings` set here (luxon ships no types; cron-parser uses it inside). */
interface LuxonSettings {
  defaultLocale: string;
}

/**
 * cron-parser: the times a digest schedule fires.
 *
 * cron-parser computes with luxon, which gives every date the system's locale, found through
 * `Intl.DateTimeFormat` unless a default is set: that one lookup reads ICU's locale data, ~3–5 MB
 * of node's own pages in a one-feed `once` (measured with `/proc/self/smaps`). A schedule is
 * computed, never formatted as text, so the locale changes no result: luxon gets `en-US`. The
 * luxon instance is the one cron-parser resolves, wherever npm put it.
 */
export function cronParser(): CronParser {
  if (parser === undefined) {
    parser = load('cron-parser') as CronParser;
    const luxon = createRequire(load.resolve('cron-parser'))('luxon') as { Settings: LuxonSettings };
    luxon.Settings.defaultLocale = 'en-US';
  }
  return parser;
}

/** node-cron: the schedules `run` will accept (validate). */
export function nodeCronLibrary(): NodeCron {
  nodeCron ??= load('node-cron') as NodeCron;
  return nodeCron;
}
