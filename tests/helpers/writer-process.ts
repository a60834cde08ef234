import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface WriterProcess {
  /** Stories the writer has committed so far (as it last reported). */
  committed(): number;
  stop(): Promise<void>;
}

/**
 * Starts another process (tests/helpers/db-writer.ts) committing batches of stories into a
 * database back to back, as `run` does during a poll cycle; each start resolves after its first
 * batch. Writers still running after a test are killed.
 */
export function useWriterProcesses(): (db: string) => Promise<WriterProcess> {
  const writers: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const w of writers.splice(0)) if (w.exitCode === null) w.kill('SIGKILL');
  });
  return async (db) => {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'tests/helpers/db-writer.ts'), db], { env: { PATH: process.env.PATH ?? '' } });
    writers.push(child);
    let committed = 0;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const last = chunk.toString().trim().split('\n').pop();
        committed = Number(last);
        resolve();
      });
      child.on('exit', (code) => {
        reject(new Error(`the writer exited (${code}) before writing: ${stderr}`));
      });
    });
    return {
      committed: () => committed,
      stop: () =>
        new Promise((resolve) => {
          child.once('exit', () => {
            resolve();
          });
          child.kill('SIGTERM');
        }),
    };
  };
}
