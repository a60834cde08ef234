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

/** cron-parser: the times a digest schedule fires. */
export function cronParser(): CronParser {
  parser ??= load('cron-parser') as CronParser;
  return parser;
}

/** node-cron: the schedules `run` will accept (validate). */
export function nodeCronLibrary(): NodeCron {
  nodeCron ??= load('node-cron') as NodeCron;
  return nodeCron;
}
