import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { readFixture, startFeedServer, type FeedServer } from '../helpers/feed-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const PASSWORD = 'hunter2pw';
const API_KEY = 'K3YVALUE';
const ENV_API_KEY = 'envAp1Secret';
const ENV_PATH_TOKEN = 'pathT0KEN99';
const BASIC = `Basic ${Buffer.from(`reader:${PASSWORD}`).toString('base64')}`;
/** Every form in which a secret of this test could leak. */
const SECRETS = [PASSWORD, API_KEY, ENV_API_KEY, ENV_PATH_TOKEN, BASIC.slice('Basic '.length)];

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
  const rss = readFixture('rss2-full.xml');
  server.route('/basic/feed.xml', (req, res) => {
    if (req.headers.authorization === BASIC) res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss);
    else res.writeHead(401).end();
  });
  server.route(`/keyed/${ENV_PATH_TOKEN}/feed.xml`, (_req, res, url) => {
    if (url.searchParams.get('api_key') === ENV_API_KEY) res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss);
    else res.writeHead(403).end();
  });
  server.route(`/keyed/${ENV_PATH_TOKEN}/down.xml`, (_req, res) => res.writeHead(500).end());
});
afterAll(async () => {
  await server.close();
});

const at = (path: string, userInfo = '') => server.url(path).replace('http://', `http://${userInfo}`);

function expectNoSecret(label: string, output: { stdout: string; stderr: string }): void {
  for (const secret of SECRETS) {
    expect(output.stdout, `${label} stdout`).not.toContain(secret);
    expect(output.stderr, `${label} stderr`).not.toContain(secret);
  }
}

describe('secrets in feed URLs, through the real CLI', () => {
  it('GIVEN feeds with credentials, api keys and ${VAR}s, working and failing WHEN once, once --json, status and status --json run THEN basic auth and substitution work and no output holds a secret', async () => {
    const dir = tempDir();
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [
      { id: 'works', name: 'Works', url: at(`/basic/feed.xml?apikey=${API_KEY}`, `reader:${PASSWORD}@`), language: 'en', kind: 'wire' },
      { id: 'failing', name: 'Failing', url: at(`/status/500?apikey=${API_KEY}`, `reader:${PASSWORD}@`), language: 'en', kind: 'wire' },
      { id: 'from-env', name: 'From env', url: at('/keyed/${WIRE_PATH_TOKEN}/feed.xml?api_key=${WIRE_API_KEY}'), language: 'en', kind: 'wire' },
      { id: 'env-down', name: 'Env down', url: at('/keyed/${WIRE_PATH_TOKEN}/down.xml?lang=en'), language: 'en', kind: 'wire' },
    ] }));
    // Debug logs too: every log line goes through the same redaction.
    const env = { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: join(dir, 'w.db'), LOG_LEVEL: 'debug', WIRE_API_KEY: ENV_API_KEY, WIRE_PATH_TOKEN: ENV_PATH_TOKEN };

    const once = await runCli(['once', '--all', '--no-deliver'], env);
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(/works\s+\d+ new/);
    // The same stories as `works`: stored once, so fetched and parsed but not new.
    expect(once.stdout).toMatch(/from-env\s+no new stories\s+\d+ already stored/);
    expect(once.stdout).toMatch(/failing\s+error \(http\)\s+.*\/status\/500\?apikey=\[redacted\] answered HTTP 500/);
    expect(once.stdout).toMatch(/env-down\s+error \(http\)\s+.*\/keyed\/\[redacted\]\/down\.xml\?lang=en answered HTTP 500/);
    expect(server.requests.filter((r) => r.path.startsWith('/basic/feed.xml')).map((r) => r.headers.authorization)).toEqual([BASIC]);
    expect(once.stderr).toContain('answered HTTP 500');
    expectNoSecret('once', once);

    const json = await runCli(['once', '--all', '--json', '--no-deliver'], env);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { results: { feedId: string; outcome: string }[] };
    expect(report.results.find((r) => r.feedId === 'failing')?.outcome).toBe('error');
    expectNoSecret('once --json', json);

    const status = await runCli(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/failing\s+feeds\.json\s+failing/);
    expectNoSecret('status', status);

    const statusJson = await runCli(['status', '--json'], env);
    expect(statusJson.code).toBe(0);
    const parsed = JSON.parse(statusJson.stdout) as { feeds: { id: string; url: string; lastError: string | null }[] };
    expect(parsed.feeds.find((f) => f.id === 'works')?.url).toBe(at('/basic/feed.xml?apikey=[redacted]', '[redacted]@'));
    expect(parsed.feeds.find((f) => f.id === 'from-env')?.url).toBe(at('/keyed/[redacted]/feed.xml?api_key=[redacted]'));
    expect(parsed.feeds.find((f) => f.id === 'failing')?.lastError).toContain('answered HTTP 500');
    expectNoSecret('status --json', statusJson);
  }, 120_000);

  it('GIVEN a feed URL naming an unset variable THEN the command exits 2 naming the file, the feed, the variable and the fix', async () => {
    const dir = tempDir();
    const feeds = join(dir, 'feeds.json');
    writeFileSync(feeds, JSON.stringify({ feeds: [
      { id: 'ok', name: 'OK', url: at('/feeds/rss2-full.xml'), language: 'en', kind: 'wire' },
      { id: 'kyiv-post', name: 'Kyiv Post', url: 'https://kp.example/rss?key=${WIRE_API_KEY}', language: 'en', kind: 'outlet' },
    ] }));
    const result = await runCli(['once', '--all'], { WATCHFLOOR_FEEDS: feeds, WATCHFLOOR_DB: join(dir, 'w.db') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${feeds} (feeds[1] "kyiv-post".url): the environment variable WIRE_API_KEY (named by \${WIRE_API_KEY}) is not set. Set it in the environment or in .env`);
  }, 60_000);
});
