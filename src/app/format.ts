/** Small text-formatting helpers for CLI output (tables, relative times). */

/** "3m ago", "in 2h", "never". */
export function relativeTime(at: number | null, now: number): string {
  if (at === null) return 'never';
  const delta = at - now;
  const abs = Math.abs(delta);
  const unit = abs < 90_000 ? `${Math.round(abs / 1000)}s` : abs < 90 * 60_000 ? `${Math.round(abs / 60_000)}m` : abs < 36 * 3_600_000 ? `${Math.round(abs / 3_600_000)}h` : `${Math.round(abs / 86_400_000)}d`;
  if (abs < 1000) return 'now';
  return delta < 0 ? `${unit} ago` : `in ${unit}`;
}

/** Display width: East Asian wide characters take two columns in a terminal. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u.test(char) ? 2 : 1;
  return width;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - displayWidth(cell)))).join('  ').trimEnd())
    .join('\n');
}
