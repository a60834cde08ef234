import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '../..');
/** tsx's loader by absolute URL, so the CLI can run from any working directory. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The test run's model cache (tests/helpers/model-cache-setup.ts), for a child's clean environment. */
function modelCache(): Record<string, string> {
  const dir = process.env.WATCHFLOOR_MODEL_CACHE;
  return dir === undefined ? {} : { WATCHFLOOR_MODEL_CACHE: dir };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI from source (through tsx) in a child process with the given environment. */
export function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  /**
   * `uid`: run as that user (its group too), e.g. to test permissions when the tests run as root.
   * `builtCli`: run this built CLI (a `dist/app/cli.js`) on bare Node instead of the source.
   */
  options: { cwd?: string; timeoutMs?: number; uid?: number; builtCli?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const entry = options.builtCli === undefined ? ['--import', TSX, join(ROOT, 'src/app/cli.ts')] : [options.builtCli];
    const child = spawn(process.execPath, [...entry, ...args], {
      cwd: options.cwd ?? ROOT,
      // A clean environment: nothing from the developer's shell (tokens!) leaks into a test.
      // The run's shared model cache (model-cache-setup.ts) is passed on, so a child trains only
      // when no other test has trained the same rules yet.
      env: { PATH: process.env.PATH ?? '', HOME: options.uid === undefined ? (process.env.HOME ?? '') : '/tmp', LOG_FORMAT: 'json', WATCHFLOOR_DOTENV: 'off', ...modelCache(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`watchfloor ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the real CLI as a long-running child (e.g. `run`); the caller stops it. */
export function startCli(args: readonly string[], env: Record<string, string> = {}): {
  child: ChildProcessWithoutNullStreams;
  output: () => { stdout: string; stderr: string };
  waitForLog: (predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number) => Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
} {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/app/cli.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_FORMAT: 'json', WATCHFLOOR_DOTENV: 'off', ...modelCache(), ...env },
  });
  let stdout = '';
  let stderr = '';
  const lines: Record<string, unknown>[] = [];
  const waiters: { predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    partial += chunk.toString();
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const text of complete) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, signal });
    });
  });
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    waitForLog: (predicate, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const found = lines.find(predicate);
        if (found) {
          resolve(found);
          return;
        }
        const timer = setTimeout(() => {
          reject(new Error(`no matching log line within ${timeoutMs} ms; stderr so far:\n${stderr}`));
        }, timeoutMs);
        waiters.push({
          predicate,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      }),
  };
}

/** SIGKILLs every child started with `startCli` (a test's leftovers) and waits for each to exit; empties the list. */
export async function killAll(children: ReturnType<typeof startCli>[]): Promise<void> {
  for (const child of children.splice(0)) {
    child.child.kill('SIGKILL');
    await child.exited;
  }
}
