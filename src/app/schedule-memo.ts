import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomically } from '../config/atomic-file.js';

/**
 * When each digest schedule next fires, remembered between processes (ADR 15, fixed cost).
 *
 * Whether a digest is due is asked at the end of every `once` and every minute of `run`, and it
 * is usually "not yet". The answer needs the first time the schedule fires after the last
 * digest, which cron-parser computes with luxon: loading the two is ~360 KB of JavaScript, a
 * tenth of a one-feed `once`. That first fire time is a pure function of the schedule, its time
 * zone (and the time-zone database) and the start instant, so it is kept in a small JSON file
 * beside the model under exactly those inputs: a process that finds it there and sees that it
 * is still in the future answers without loading either library.
 *
 * The file is only ever a copy of what cron-parser computed. Any process may read or replace it
 * (written to a temporary file and renamed, so a reader sees a whole file); one that cannot read
 * it computes again, one that cannot write it carries on. Entries no process asked about in its
 * last save are dropped, so the file holds about one entry per digest subscription.
 */
export interface NextFireMemo {
  /** The first fire strictly after `since`, from the file or from `compute` (then remembered). */
  nextAfter(schedule: string, timezone: string, since: number, compute: () => number): number;
  /**
   * Ends a pass over the digest subscriptions: writes what this pass asked about when it learned
   * anything new, and keeps only that in memory (a long-running process does not accumulate old
   * windows). Never throws.
   */
  save(): void;
}

/** Bumped when the file's shape changes; another format is ignored (and replaced). */
const FORMAT = 1;

const memoFileSchema = z.object({
  format: z.literal(FORMAT),
  /** The time-zone database the entries were computed with (`process.versions.tz`). */
  tz: z.string(),
  /** `schedule NUL timezone NUL since` → the first fire after `since`, in ms. */
  entries: z.record(z.string(), z.number().int()),
});
type MemoFile = z.infer<typeof memoFileSchema>;

function tzVersion(): string {
  return process.versions.tz ?? '';
}

function read(path: string): Map<string, number> {
  try {
    const file = memoFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return new Map<string, number>(file.success && file.data.tz === tzVersion() ? Object.entries(file.data.entries) : []);
  } catch {
    return new Map(); // missing or unreadable: computed again
  }
}

/** The memo file that belongs with a model file. */
export function scheduleMemoPathFor(modelPath: string): string {
  return join(dirname(modelPath), 'schedule-cache.json');
}

/** A memo backed by `path`; null: in memory only (tests, engines without a data folder). */
export function openNextFireMemo(path: string | null): NextFireMemo {
  let known = path === null ? new Map<string, number>() : read(path);
  let used = new Map<string, number>();
  let learned = false;
  return {
    nextAfter(schedule, timezone, since, compute) {
      const key = `${schedule}\u0000${timezone}\u0000${since}`;
      let next = used.get(key) ?? known.get(key);
      if (next === undefined) {
        next = compute();
        learned = true;
      }
      used.set(key, next);
      return next;
    },
    save() {
      const write = path !== null && learned;
      learned = false;
      known = used;
      used = new Map();
      if (!write) return;
      const file: MemoFile = { format: FORMAT, tz: tzVersion(), entries: Object.fromEntries(known) };
      try {
        writeFileAtomically(path, `${JSON.stringify(file)}\n`);
      } catch {
        // A read-only data folder costs the next start the computation, nothing else.
      }
    },
  };
}
