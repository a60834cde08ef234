import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The roundup-taste fixture of the feedback tests: server A does not want briefing roundups,
 * which the shared rules match like any other story; 30 stories to rate, 100 held out.
 */
export interface FixtureStory {
  readonly title: string;
  readonly summary: string;
  readonly topic: string;
  readonly roundup: boolean;
  readonly set: 'rated' | 'held-out';
}

export const ROUNDUP_FIXTURE: readonly FixtureStory[] = readFileSync(join(import.meta.dirname, '../fixtures/feedback/roundup-taste.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as FixtureStory);

export const GUILD_A = '210000000000000001';
export const GUILD_B = '220000000000000002';
/** Three members of server A who rate. */
export const MEMBERS = ['710000000000000001', '710000000000000002', '710000000000000003'] as const;
/** The fixed clock of the feedback tests. */
export const FEEDBACK_NOW = Date.UTC(2026, 11, 1, 9);
