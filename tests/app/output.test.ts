import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const SRC = join(import.meta.dirname, '../../src');
const DIRECT_WRITE = /process\.(stdout|stderr)\.write\(|console\.(log|error|warn|info|debug)\(/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('one redaction for everything the CLI prints', () => {
  it('GIVEN the source WHEN scanned THEN only src/app/output.ts writes to stdout or stderr directly', () => {
    const writers = sourceFiles(SRC)
      .filter((path) => DIRECT_WRITE.test(readFileSync(path, 'utf8')))
      .map((path) => relative(SRC, path).split('\\').join('/'));
    expect(writers).toEqual(['app/output.ts']);
  });

  it('GIVEN a webhook subscription and a token that has no bot-token shape WHEN commands print THEN neither secret appears in any output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-output-'));
    const token = 'plainsecretvalue-0123456789';
    const webhookToken = 'w'.repeat(68);
    const env = { WATCHFLOOR_DB: join(dir, 'wf.db'), DISCORD_TOKEN: token };
    const subscribed = await runCli(['subscribe', '--webhook', `https://discord.com/api/webhooks/123456789012345678/${webhookToken}`, '--topics', 'ukraine'], env);
    expect(subscribed.code).toBe(0);
    const listed = await runCli(['subscriptions', '--json'], env);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
    // A command that fails quoting its argument: the token's literal value is masked too.
    const failed = await runCli(['explain', '--server', token, 'Kyiv'], env);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('"[redacted]" is not a Discord server id');
    for (const output of [subscribed, listed, failed]) {
      expect(output.stdout + output.stderr).not.toContain(webhookToken);
      expect(output.stdout + output.stderr).not.toContain(token);
    }
  });
});
