import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfiguration, renderCheckReport, type CheckOptions } from '../../src/app/commands/check.js';
import { ENV_SCHEMA } from '../../src/config/env.js';
import { createStore } from '../../src/store/index.js';
import { configProblems } from '../helpers/config-errors.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir('watchfloor-check-');

const UKRAINE_YAML = `id: ukraine
label: Ukraine
color: "#0057b7"
threshold: 3
patterns:
  - weight: 3
    terms: [Ukraine, Kyiv, Kiev]
`;
const NORTH_KOREA_YAML = `id: north-korea
label: North Korea
color: "#c0392b"
threshold: 3
patterns:
  - weight: 3
    terms: [North Korea, Pyongyang]
`;
const WEBHOOK_URL = 'https://discord.com/api/webhooks/123456789012345678/abcdefSECRETwebhookTOKENvalue';
const BOT_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.secret-bot-token-value';

/** A complete, valid configuration in a temp dir: feeds.json with a local feed, two topics. */
function writeConfig(dir: string, feeds?: unknown): { feeds: string; rules: string; db: string } {
  const rules = join(dir, 'rules');
  mkdirSync(rules);
  writeFileSync(join(rules, 'ukraine.yaml'), UKRAINE_YAML);
  writeFileSync(join(rules, 'north-korea.yaml'), NORTH_KOREA_YAML);
  mkdirSync(join(dir, 'feeds'));
  writeFileSync(join(dir, 'feeds', 'local.xml'), '<rss version="2.0"><channel><title>x</title></channel></rss>');
  const feedsPath = join(dir, 'feeds.json');
  writeFileSync(feedsPath, JSON.stringify(feeds ?? {
    feeds: [
      { id: 'local', name: 'Local', url: 'feeds/local.xml', language: 'en', kind: 'wire' },
      { id: 'remote', name: 'Remote', url: 'https://example.org/rss', language: 'en', kind: 'outlet', topics: ['ukraine'] },
      { id: 'off', name: 'Off', url: 'https://example.org/off', language: 'ko', kind: 'outlet', enabled: false },
    ],
  }));
  return { feeds: feedsPath, rules, db: join(dir, 'data', 'watchfloor.db') };
}

function options(paths: { feeds: string; rules: string; db: string }, processEnv: NodeJS.ProcessEnv = {}, envFile: string | null = null): CheckOptions {
  return { ...paths, envFile, processEnv };
}

describe('checkConfiguration', () => {
  it('GIVEN a valid configuration and no secrets WHEN checked THEN it reports feeds, topics, console delivery and defaults', () => {
    const paths = writeConfig(tempDir());
    const report = checkConfiguration(options(paths));
    expect(report.feeds).toEqual({ total: 3, enabled: 2, disabled: 1, localFiles: 1, home: {} });
    expect(report.topics.map((t) => t.id).sort()).toEqual(['north-korea', 'ukraine']);
    expect(report.sinks).toEqual(['console']);
    expect(report.schedule).toEqual({ expression: '*/5 * * * *', periodSeconds: 300 });
    expect(report.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(report.database).toEqual({ engine: 'sqlite', path: paths.db, exists: false, bytes: null });
    expect(report.warnings).toEqual([]);
  });

  it('GIVEN a token and a webhook in the environment WHEN checked and rendered THEN both sinks are listed and neither secret is printed', () => {
    const paths = writeConfig(tempDir());
    const report = checkConfiguration(options(paths, { DISCORD_TOKEN: BOT_TOKEN, DISCORD_WEBHOOK_URL: WEBHOOK_URL, DISCORD_APPLICATION_ID: '123456789012345678' }));
    expect(report.sinks).toEqual(['bot', 'webhook']);
    const text = renderCheckReport(report);
    const json = JSON.stringify(report);
    for (const out of [text, json]) {
      expect(out).not.toContain(BOT_TOKEN);
      expect(out).not.toContain('abcdefSECRETwebhookTOKEN');
    }
    expect(text).toMatch(/DISCORD_TOKEN\s+\[set, hidden\]/);
    expect(text).toMatch(/DISCORD_WEBHOOK_URL\s+\[set, hidden\]/);
    expect(text).toContain('Discord bot');
  });

  it('GIVEN a .env file WHEN checked THEN its values apply beneath the process environment and a misspelt key is warned with a suggestion', () => {
    const dir = tempDir();
    const paths = writeConfig(dir);
    const envFile = join(dir, '.env');
    writeFileSync(envFile, 'HTTP_PORT=9100\nPOLL_SCHEDULE="*/15 * * * *"\nDISCORD_TOKN=abc\nTZ=Europe/Kyiv\nPOSTGRES_PASSWORD=for-compose\nPGPASSWORD=for-the-driver\n');
    const report = checkConfiguration(options(paths, { HTTP_PORT: '9200' }, envFile));
    expect(report.http.port).toBe(9200); // the process environment wins, as with node --env-file
    expect(report.schedule.periodSeconds).toBe(900);
    expect(report.warnings).toEqual([`${envFile}: DISCORD_TOKN is not a Watchfloor setting and is ignored (did you mean DISCORD_TOKEN?)`]);
  });

  it('GIVEN problems in the environment, feeds.json and rules together WHEN checked THEN every problem is reported at once with its place', () => {
    const dir = tempDir();
    const paths = writeConfig(dir, { feeds: [
      { id: 'gone', name: 'Gone', url: 'feeds/missing.xml', language: 'en', kind: 'wire' },
      { id: 'Bad Id', name: 'X', url: 'https://example.org', language: 'en', kind: 'wire' },
    ] });
    writeFileSync(join(paths.rules, 'ukraine.yaml'), UKRAINE_YAML.replace('threshold: 3', 'threshold: -1'));
    const problems = configProblems(() => checkConfiguration(options(paths, { HTTP_PORT: '70000', POLL_SCHEDULE: 'every minute' })));
    expect(problems.some((p) => p.startsWith('environment (HTTP_PORT)'))).toBe(true);
    expect(problems.some((p) => p.startsWith('environment (POLL_SCHEDULE)') && p.includes('not a valid cron expression'))).toBe(true);
    expect(problems.some((p) => p.includes('feeds[1] "Bad Id".id'))).toBe(true);
    expect(problems.some((p) => p.includes('ukraine.yaml') && p.includes('threshold'))).toBe(true);
  });

  it('GIVEN more problems than other commands list WHEN checked THEN check lists every one of them', () => {
    const feeds = Array.from({ length: 40 }, (_, i) => ({ id: `f${i}`, name: `F${i}`, url: `https://example.org/${i}.xml`, language: 'en' }));
    const paths = writeConfig(tempDir(), { feeds });
    let message = '';
    try {
      checkConfiguration(options(paths));
    } catch (error) {
      message = error instanceof Error ? error.message : '';
    }
    const lines = message.split('\n');
    expect(lines).toHaveLength(40); // one missing kind per feed, none summarised
    expect(lines[39]).toContain('feeds[39] "f39".kind');
    expect(message).not.toContain('more problems');
  });

  it('GIVEN a local feed file that does not exist WHEN checked THEN the feed and the resolved path are named', () => {
    const dir = tempDir();
    const paths = writeConfig(dir, { feeds: [{ id: 'gone', name: 'Gone', url: 'feeds/missing.xml', language: 'en', kind: 'wire' }] });
    const problems = configProblems(() => checkConfiguration(options(paths)));
    expect(problems).toEqual([`${paths.feeds} (feeds[0] "gone".url): local feed file ${join(dir, 'feeds', 'missing.xml')} does not exist. Fix the path (relative paths start at the folder of feeds.json) or use an https:// URL.`]);
  });

  it('GIVEN a database folder the user cannot write WHEN checked THEN WATCHFLOOR_DB is reported with the fix', () => {
    const dir = tempDir();
    const paths = writeConfig(dir);
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const asRoot = process.getuid?.() === 0;
    const run = () => checkConfiguration(options({ ...paths, db: join(locked, 'sub', 'watchfloor.db') }));
    if (asRoot) {
      // root can write anywhere; the check must then accept the path rather than guess.
      expect(run().database.exists).toBe(false);
    } else {
      expect(configProblems(run)).toEqual([expect.stringMatching(/^environment \(WATCHFLOOR_DB\): .* is not writable, so it cannot be created/)]);
    }
    chmodSync(locked, 0o700);
  });

  it('GIVEN a missing feeds.json and an empty rules folder WHEN checked THEN both are reported', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'rules'));
    const problems = configProblems(() => checkConfiguration(options({ feeds: join(dir, 'nope.json'), rules: join(dir, 'rules'), db: join(dir, 'x.db') })));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('nope.json: file not found');
    expect(problems[1]).toContain('no topic files');
  });

  it('GIVEN one bad setting and valid file paths in the environment WHEN checked THEN the files named by the environment are still checked', () => {
    const dir = tempDir();
    const paths = writeConfig(dir);
    const problems = configProblems(() => checkConfiguration({
      envFile: null,
      processEnv: { LOG_FORMAT: 'xml', WATCHFLOOR_FEEDS: join(dir, 'other.json'), WATCHFLOOR_RULES: paths.rules, WATCHFLOOR_DB: paths.db },
    }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^environment \(LOG_FORMAT\)/);
    expect(problems[1]).toContain(`${join(dir, 'other.json')}: file not found`);
  });

  it('GIVEN the repository .env.example WHEN read as an env file THEN it documents every setting, names no unknown one, and is valid', () => {
    const path = join(import.meta.dirname, '../../.env.example');
    const text = readFileSync(path, 'utf8');
    const documented = [...text.matchAll(/^#?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect([...new Set(documented)].sort()).toEqual(Object.keys(ENV_SCHEMA.shape).sort());
    const paths = writeConfig(tempDir());
    expect(checkConfiguration(options(paths, {}, path)).warnings).toEqual([]);
  });

  it('GIVEN a topic hint in feeds.json without a rules file WHEN checked THEN it warns', () => {
    const dir = tempDir();
    const paths = writeConfig(dir, { feeds: [{ id: 'tw', name: 'TW', url: 'https://example.org', language: 'en', kind: 'wire', topics: ['taiwan'] }] });
    expect(checkConfiguration(options(paths)).warnings).toEqual([`${paths.feeds}: topic hint "taiwan" matches no file in ${paths.rules}`]);
  });

  it('GIVEN a home feed WHEN checked THEN the report names it and its topic; a home topic without a rules file is an error naming the feed, the topics there are and the fix', () => {
    const dir = tempDir();
    const paths = writeConfig(dir, { feeds: [
      { id: 'kyiv', name: 'Kyiv', url: 'https://example.org/kyiv', language: 'en', kind: 'outlet', home: 'ukraine' },
      { id: 'plain', name: 'Plain', url: 'https://example.org/plain', language: 'en', kind: 'outlet' },
    ] });
    const report = checkConfiguration(options(paths));
    expect(report.feeds.home).toEqual({ kyiv: 'ukraine' });
    expect(renderCheckReport(report)).toContain('  home feeds kyiv → ukraine');

    const typo = writeConfig(tempDir(), { feeds: [{ id: 'kyiv', name: 'Kyiv', url: 'https://example.org/kyiv', language: 'en', kind: 'outlet', home: 'ukriane' }] });
    const problems = configProblems(() => checkConfiguration(options(typo)));
    expect(problems).toContain(`${typo.feeds} (feeds[0] "kyiv".home): "ukriane" is no topic of the rules (north-korea, ukraine). Use one of those ids, or remove "home".`);
  });

  it('GIVEN feeds added from Discord with homes WHEN checked THEN one whose home the rules lack is a warning with the fix (it still polls); one whose home they have is not', () => {
    const dir = tempDir();
    const paths = writeConfig(dir);
    mkdirSync(join(dir, 'data'));
    const store = createStore(paths.db);
    const added = { name: 'Desk', language: 'en', kind: 'outlet' as const, addedBy: '700000000000000001', guildId: '210000000000000001', addedAt: 1_700_000_000_000 };
    store.addedFeeds.add({ ...added, id: 'kyiv-desk', url: 'https://kyiv.example/rss', home: 'ukraine' });
    store.addedFeeds.add({ ...added, id: 'seoul-desk', url: 'https://seoul.example/rss', home: 'south-korea' });
    store.close();
    const report = checkConfiguration(options(paths));
    expect(report.warnings).toEqual(['added feed seoul-desk has home "south-korea", which is no topic of the rules (north-korea, ukraine): its stories are read without the home lift; fix: /feeds edit id:seoul-desk home: one of those topics (or none) in its server, or restore the topic in rules/']);
    expect(renderCheckReport(report)).toContain('added feed seoul-desk has home "south-korea"');
  });
});

describe('watchfloor check (the real CLI)', () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../../src/app/cli.ts'), ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...env },
      timeout: 60_000,
    });

  it('GIVEN a valid configuration WHEN run THEN exit 0 and the report on stdout', () => {
    const dir = tempDir();
    const paths = writeConfig(dir);
    const result = cli(['--feeds', paths.feeds, '--rules', paths.rules, '--db', paths.db, 'check', '--env', join(dir, 'missing.env')], {});
    // A named env file that does not exist is an error, not silently ignored.
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('missing.env: cannot read the env file');
    const ok = cli(['--feeds', paths.feeds, '--rules', paths.rules, '--db', paths.db, 'check'], { DISCORD_TOKEN: BOT_TOKEN });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Configuration is valid');
    expect(ok.stdout).not.toContain(BOT_TOKEN);
  });

  it('GIVEN an invalid setting WHEN run THEN exit 2 with the precise message on stderr', () => {
    const dir = tempDir();
    const paths = writeConfig(dir);
    const result = cli(['--feeds', paths.feeds, '--rules', paths.rules, '--db', paths.db, 'check'], { LOG_LEVEL: 'loud' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('environment (LOG_LEVEL)');
    expect(result.stdout).toBe('');
  });
});

describe('check: the webhook and where alerts go', () => {
  it('GIVEN a DISCORD_WEBHOOK_URL that is not a Discord webhook THEN check fails naming it and the fix, without echoing the value', () => {
    const paths = writeConfig(tempDir());
    const bad = 'https://discord.com/api/webhook/123/notAToken';
    const problems = configProblems(() => checkConfiguration(options(paths, { DISCORD_WEBHOOK_URL: bad })));
    expect(problems.join('\n')).toMatch(/DISCORD_WEBHOOK_URL.*must be a Discord webhook URL, https:\/\/discord\.com\/api\/webhooks\/<id>\/<token>/);
    expect(problems.join('\n')).not.toContain('notAToken');
  });

  it('GIVEN a database whose console defaults came from a first run WHEN a webhook is configured THEN check says alerts go to the webhook; with subscriptions of one\'s own it says so', async () => {
    const paths = writeConfig(tempDir());
    const { createStore } = await import('../../src/store/index.js');
    const store = createStore(paths.db);
    store.subscriptions.add({ target: { kind: 'console' }, topics: ['*'], mode: 'instant', schedule: null, timezone: 'UTC', minScore: 0, mentionRoleId: null, maxAgeMs: 86_400_000, postEmptyDigest: false, createdAt: 0, createdBy: 'default' });
    store.close();
    const withHook = checkConfiguration(options(paths, { DISCORD_WEBHOOK_URL: WEBHOOK_URL }));
    expect(withHook.alertsGo).toMatch(/^DISCORD_WEBHOOK_URL gets instant alerts/);
    expect(renderCheckReport(withHook)).toMatch(/alerts go {2}DISCORD_WEBHOOK_URL gets instant alerts/);
    const again = createStore(paths.db);
    again.subscriptions.add({ target: { kind: 'channel', channelId: '300000000000000001', guildId: null }, topics: ['*'], mode: 'instant', schedule: null, timezone: 'UTC', minScore: 0, mentionRoleId: null, maxAgeMs: 86_400_000, postEmptyDigest: false, createdAt: 0, createdBy: 'cli' });
    again.close();
    expect(checkConfiguration(options(paths, { DISCORD_WEBHOOK_URL: WEBHOOK_URL })).alertsGo).toBe('1 subscription of your own (channel; `watchfloor subscriptions` lists them); channel subscriptions need DISCORD_TOKEN, which is not set');
  });
});
