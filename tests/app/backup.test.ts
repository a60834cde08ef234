import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { countRows, makeWatchfloorDb, quickCheck } from '../helpers/databases.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { useWriterProcesses } from '../helpers/writer-process.js';

const tempDir = useTempDir('watchfloor-backup-');
const ROOT = join(import.meta.dirname, '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const EXAMPLE_FEEDS = join(ROOT, 'examples/feeds.json');

/** The ```sh blocks of a `## heading` section of docs/self-hosting.md, in order. */
function docSnippets(heading: string): string[] {
  const text = readFileSync(join(ROOT, 'docs/self-hosting.md'), 'utf8');
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/self-hosting.md has no "## ${heading}" section`);
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/** The snippet for a self-hoster without Docker: the one that does not call docker. */
function withoutDocker(heading: string): string {
  const snippet = docSnippets(heading).find((s) => !s.includes('docker '));
  if (snippet === undefined) throw new Error(`no snippet without docker in "## ${heading}"`);
  return snippet;
}

/** A folder with a `watchfloor` command on PATH that runs this checkout's CLI. */
function installCommand(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const script = join(bin, 'watchfloor');
  writeFileSync(script, `#!/bin/sh\nexec "${process.execPath}" --import "${TSX}" "${join(ROOT, 'src/app/cli.ts')}" "$@"\n`);
  chmodSync(script, 0o755);
  return bin;
}

/** Runs a documentation snippet with bash -e in `cwd`, as a self-hoster would paste it (without blocking this process). */
function runSnippet(snippet: string, cwd: string, bin: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-c', snippet], {
      cwd,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', WATCHFLOOR_DOTENV: 'off', WATCHFLOOR_FEEDS: EXAMPLE_FEEDS, LOG_FORMAT: 'json' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      resolve({ status, stdout, stderr });
    });
  });
}

const startWriter = useWriterProcesses();

describe('watchfloor backup', () => {
  it('GIVEN another process writing WHEN backed up and restored as docs/self-hosting.md says THEN the copy is sound, has the rows, and the restore passes db check', async () => {
    const dir = tempDir();
    const bin = installCommand(dir);
    const db = join(dir, 'data', 'watchfloor.db');
    makeWatchfloorDb(db, 300);
    const writer = await startWriter(db);

    const before = writer.committed();
    const backup = await runSnippet(withoutDocker('Backup'), dir, bin);
    const after = writer.committed();
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    expect(after).toBeGreaterThan(before); // the writer went on while the backup ran

    const [file, ...others] = readdirSync(join(dir, 'backups'));
    expect(others).toEqual([]); // no temporary file left behind
    const copy = join(dir, 'backups', file ?? '');
    expect(file).toMatch(/^watchfloor-\d{4}-\d{2}-\d{2}\.db$/);
    expect(quickCheck(copy)).toEqual(['ok']);
    const inCopy = countRows(copy, 'stories');
    expect(inCopy).toBeGreaterThanOrEqual(300 + before);
    expect(backup.stdout).toContain(`backed up ${db} to ${copy}: `);
    expect(backup.stdout).toContain(`, ${inCopy.toLocaleString('en-US')} stories, quick_check ok (`);

    await writer.stop();
    const live = countRows(db, 'stories');
    expect(live).toBeGreaterThan(inCopy);

    // The restore section names its backup by an example date.
    const restore = withoutDocker('Restore');
    const named = /cp (backups\/\S+) data\/watchfloor\.db/.exec(restore)?.[1];
    expect(named).toBeDefined();
    copyFileSync(copy, join(dir, named ?? ''));
    const restored = await runSnippet(restore, dir, bin);
    expect(restored.stderr).toBe('');
    expect(restored.status).toBe(0);
    expect(restored.stdout).toMatch(/: ok \(quick_check, foreign_key_check; /);
    expect(existsSync(`${db}-wal`)).toBe(false); // the old database's -wal went with it
    expect(countRows(db, 'stories')).toBe(inCopy);
    // The old files are kept aside until the restore is checked.
    expect(countRows(join(dir, 'data', 'before-restore', 'watchfloor.db'), 'stories')).toBe(live);
  }, 120_000);

  it('GIVEN an existing target THEN it is refused without --force and replaced with it', async () => {
    const dir = tempDir();
    const db = join(dir, 'watchfloor.db');
    makeWatchfloorDb(db, 20);
    const target = join(dir, 'backup.db');
    writeFileSync(target, 'an older backup');

    const refused = await runCli(['backup', target, '--db', db]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${target} already exists. Name another file, or add --force to replace it.`);
    expect(readFileSync(target, 'utf8')).toBe('an older backup');

    const forced = await runCli(['backup', target, '--force', '--db', db]);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(', 20 stories, quick_check ok');
    expect(countRows(target, 'stories')).toBe(20);
    expect(statSync(target).size).toBeGreaterThan(0);
  }, 60_000);

  it('GIVEN no database at the path THEN it says there is nothing to back up and creates nothing', async () => {
    const dir = tempDir();
    const result = await runCli(['backup', join(dir, 'b.db'), '--db', join(dir, 'missing.db')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'missing.db')} does not exist: nothing to back up`);
    expect(readdirSync(dir)).toEqual([]);
  });
});
