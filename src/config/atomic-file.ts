import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `text` to `path` so that a reader (another process included) sees the old file or the
 * new one, never a part: written beside it under this process's id, then renamed over it. The
 * folder is made when missing. Throws what the file system throws; callers whose file is only a
 * cache catch it.
 */
export function writeFileAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, 'utf8');
  renameSync(tmp, path);
}
