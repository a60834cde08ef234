import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSubscribeFlags } from '../../src/app/commands/subscriptions.js';
import { ConfigErrors } from '../../src/config/errors.js';
import { runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const KNOWN = ['ukraine', 'north-korea', 'south-korea'];
const WEBHOOK = `https://discord.com/api/webhooks/600000000000000001/${'S3cr3tT0ken'.repeat(6)}`;
const NOW = Date.UTC(2026, 10, 22);

function problems(flags: Parameters<typeof parseSubscribeFlags>[0], env: { DISCORD_WEBHOOK_URL?: string } = {}): string[] {
  try {
    parseSubscribeFlags(flags, KNOWN, env, NOW);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigErrors)) throw error;
    return error.errors.map((e) => e.message);
  }
}

describe('parseSubscribeFlags', () => {
  it('GIVEN a webhook digest in Seoul THEN the subscription says exactly that', () => {
    const s = parseSubscribeFlags({ webhook: WEBHOOK, topics: 'ukraine,north-korea', mode: 'digest', schedule: '0 8 * * *', timezone: 'Asia/Seoul', minScore: '1' }, KNOWN, {}, NOW);
    expect(s).toMatchObject({ target: { kind: 'webhook', url: WEBHOOK }, topics: ['ukraine', 'north-korea'], mode: 'digest', schedule: '0 8 * * *', timezone: 'Asia/Seoul', minScore: 1, maxAgeMs: 24 * 3_600_000, createdBy: 'cli' });
  });

  it('GIVEN --webhook env THEN the URL comes from DISCORD_WEBHOOK_URL', () => {
    expect(parseSubscribeFlags({ webhook: 'env', topics: 'all' }, KNOWN, { DISCORD_WEBHOOK_URL: WEBHOOK }, NOW)).toMatchObject({ target: { kind: 'webhook', url: WEBHOOK }, topics: ['*'] });
  });

  it('GIVEN --mode event with a developing rule THEN the subscription carries it, and listings say so', () => {
    const s = parseSubscribeFlags({ console: true, topics: 'north-korea', mode: 'event', mentionRole: '400000000000000001', developingSources: '3', developingWindow: '15' }, KNOWN, {}, NOW);
    expect(s).toMatchObject({ mode: 'event', mentionRoleId: '400000000000000001', developingSources: 3, developingWindowMs: 15 * 60_000 });
    expect(parseSubscribeFlags({ console: true, topics: 'all', mode: 'event' }, KNOWN, {}, NOW)).toMatchObject({ mode: 'event', developingSources: null, developingWindowMs: null });
  });

  it.each([
    [{ console: true, topics: 'ukraine', developingSources: '3' }, 'command line (--developing-sources): only event subscriptions flag developing stories; add --mode event'],
    [{ console: true, topics: 'ukraine', mode: 'event', developingSources: '1' }, 'command line (--developing-sources): "1" must be a whole number from 2 to 50'],
    [{ console: true, topics: 'ukraine', mode: 'event', developingWindow: 'soon' }, 'command line (--developing-window): "soon" must be a whole number from 2 to 1440'],
  ])('GIVEN a developing flag that cannot be used (%j) THEN the error names the flag and the fix', (flags, expected) => {
    expect(problems(flags).join('\n')).toContain(expected);
  });

  it.each([
    [{ topics: 'ukraine' }, 'command line (target): give exactly one of --channel'],
    [{ console: true, channel: '300000000000000001', topics: 'ukraine' }, 'command line (target): give exactly one of'],
    [{ console: true, topics: 'ukraine,mars' }, 'command line (--topics): unknown topic(s) mars; known: ukraine, north-korea, south-korea'],
    [{ console: true, topics: 'ukraine', mode: 'digest' }, 'command line (--schedule): a digest needs a cron schedule'],
    [{ console: true, topics: 'ukraine', mode: 'digest', schedule: '0 25 * * *' }, 'command line (--schedule): invalid cron expression "0 25 * * *"'],
    [{ console: true, topics: 'ukraine', mode: 'digest', schedule: '0 8 * * *', timezone: 'Asia/Pyongyang2' }, 'command line (--timezone): unknown time zone "Asia/Pyongyang2"'],
    [{ console: true, topics: 'ukraine', schedule: '0 8 * * *' }, 'command line (--schedule): only digests have a schedule'],
    [{ console: true, topics: 'ukraine', mode: 'weekly' }, 'command line (--mode): "weekly" is not a mode'],
    [{ console: true, topics: 'ukraine', minScore: '-1' }, 'command line (--min-score)'],
    [{ channel: '#news', topics: 'ukraine' }, 'command line (--channel): "#news" is not a channel id'],
    [{ webhook: 'https://evil.example/api/webhooks/1/abc', topics: 'ukraine' }, 'command line (--webhook): not a Discord webhook URL'],
    [{ console: true, topics: 'ukraine', mode: 'digest', schedule: '0 8 * * *', mentionRole: '400000000000000001' }, 'command line (--mention-role): roles are mentioned on instant alerts only'],
  ])('GIVEN %j THEN the error names the flag and the fix', (flags, expected) => {
    expect(problems(flags).join('\n')).toContain(expected);
  });
});

describe('watchfloor subscribe / subscriptions / unsubscribe', () => {
  it('GIVEN subscribe --mode event with developing flags THEN it is stored and the listings show the mode and the rule', async () => {
    const env = { WATCHFLOOR_DB: join(tempDir(), 'w.db') };
    const added = await runCli(['subscribe', '--console', '--topics', 'north-korea', '--mode', 'event', '--developing-sources', '3', '--developing-window', '20'], env);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Subscribed: #1 console ← north-korea · event (developing: 3 sources in 20 min)');
    const list = await runCli(['subscriptions', '--json'], env);
    expect(JSON.parse(list.stdout)).toMatchObject([{ id: 1, mode: 'event', developingSources: 3, developingWindowMs: 1_200_000 }]);
  });

  it('GIVEN a webhook subscription THEN the listing shows only the webhook id, never its token; unsubscribe removes it', async () => {
    const env = { WATCHFLOOR_DB: join(tempDir(), 'w.db') };
    const added = await runCli(['subscribe', '--webhook', WEBHOOK, '--topics', 'ukraine,north-korea', '--mode', 'digest', '--schedule', '0 8 * * *', '--timezone', 'Asia/Seoul', '--min-score', '1'], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toBe('Subscribed: #1 webhook 600000000000000001 ← ukraine, north-korea · digest "0 8 * * *" Asia/Seoul · min score 1\n');

    const list = await runCli(['subscriptions'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('webhook 600000000000000001');
    expect(list.stdout).not.toContain('S3cr3tT0ken');
    const json = await runCli(['subscriptions', '--json'], env);
    expect(json.stdout).not.toContain('S3cr3tT0ken');
    expect(JSON.parse(json.stdout)).toMatchObject([{ id: 1, target: 'webhook 600000000000000001', mode: 'digest', timezone: 'Asia/Seoul' }]);

    const removed = await runCli(['unsubscribe', '1'], env);
    expect(removed.code).toBe(0);
    expect((await runCli(['subscriptions', '--json'], env)).stdout.trim()).toBe('[]');
    // Five CLI processes in a row: generous on a shared machine; nothing here measures speed.
  }, 120_000);

  it('GIVEN an invalid schedule THEN subscribe exits 2 with one precise message; unsubscribing an unknown id exits 2 too', async () => {
    const env = { WATCHFLOOR_DB: join(tempDir(), 'w.db') };
    const result = await runCli(['subscribe', '--console', '--topics', 'ukraine', '--mode', 'digest', '--schedule', '0 8 * *'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('command line (--schedule): invalid cron expression "0 8 * *"');
    expect(result.stdout).toBe('');
    const unknownId = await runCli(['unsubscribe', '7'], env);
    expect(unknownId.code).toBe(2);
    expect(unknownId.stderr).toContain('there is no subscription #7');
  }, 60_000);
});
