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

/** Several problems found in one file, reported together so a user fixes them in one go. */
export class ConfigErrors extends Error {
  override readonly name = 'ConfigErrors';
  constructor(readonly errors: readonly ConfigError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

/** Exit code for invalid configuration (feeds.json, rules/, environment). */
export const EXIT_CONFIG = 2;
