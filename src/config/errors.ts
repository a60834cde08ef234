/**
 * A configuration error a user can fix: names the file, the place inside it, what is wrong and
 * how to fix it. The CLI prints `message` and exits with code 2.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    /** File (or `environment`) the problem is in. */
    readonly file: string,
    /** Path inside the file, e.g. `feeds[3].url` or `line 12`; empty when the whole file. */
    readonly where: string,
    /** What is wrong and how to fix it. */
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${where ? ` (${where})` : ''}: ${problem}`, options);
  }
}

/** Problems listed one per line before the rest are summarised ({@link summariseProblems}). */
export const LISTED_PROBLEMS = 25;

/**
 * Several problems found in one file, reported together so a user fixes them in one go. The
 * message lists the first {@link LISTED_PROBLEMS}; `errors` holds every one.
 */
export class ConfigErrors extends Error {
  override readonly name = 'ConfigErrors';
  /** `listed`: how many the message lists before summarising (`check` lists every one). */
  constructor(
    readonly errors: readonly ConfigError[],
    listed: number = LISTED_PROBLEMS,
  ) {
    super(summariseProblems(errors, listed));
  }
}

/**
 * One line per problem up to `listed`, then one line counting the rest by file and by what is
 * wrong (most frequent first), so a feeds.json of 1,000 broken entries is a screenful, not 3,000
 * lines, and still says what to fix everywhere.
 */
export function summariseProblems(errors: readonly ConfigError[], listed: number = LISTED_PROBLEMS): string {
  const lines = errors.slice(0, listed).map((e) => e.message);
  const rest = errors.slice(listed);
  if (rest.length === 0) return lines.join('\n');
  const byProblem = new Map<string, number>();
  for (const e of rest) {
    const key = `${e.file}: ${e.problem}`;
    byProblem.set(key, (byProblem.get(key) ?? 0) + 1);
  }
  const kinds = [...byProblem].sort((a, b) => b[1] - a[1]);
  const shown = kinds.slice(0, 3).map(([key, n]) => `  ${n.toLocaleString('en-US')} × ${key}`);
  const more = kinds.length > 3 ? [`  and ${(kinds.length - 3).toLocaleString('en-US')} other kinds of problem`] : [];
  return [...lines, `… and ${rest.length.toLocaleString('en-US')} more problems (${errors.length.toLocaleString('en-US')} in all; \`watchfloor check\` lists every one), most often:`, ...shown, ...more].join('\n');
}

/** Exit code for invalid configuration (feeds.json, rules/, environment). */
export const EXIT_CONFIG = 2;
