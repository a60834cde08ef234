/**
 * The built CLI (`dist/app/cli.js`, what `npm start` and the `watchfloor` bin run), built
 * (`npm run build`) when it is missing or older than the source, so sections measure the code of this tree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtimeMs(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The CLI's path, and how long building it took (null when it was current). */
export function builtCli(repoDir: string): { cli: string; buildMs: number | null } {
  const cli = join(repoDir, 'dist', 'app', 'cli.js');
  if (existsSync(cli) && statSync(cli).mtimeMs >= newestMtimeMs(join(repoDir, 'src'))) return { cli, buildMs: null };
  const t0 = performance.now();
  try {
    execFileSync(process.execPath, ['--import', 'tsx', join(repoDir, 'scripts', 'build.ts')], { cwd: repoDir, stdio: 'ignore' });
  } catch {
    // The runs say whether it works.
  }
  return { cli, buildMs: performance.now() - t0 };
}
