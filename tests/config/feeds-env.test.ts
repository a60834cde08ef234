import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeeds } from '../../src/config/feeds.js';
import { REDACTED, redactText } from '../../src/core/redact.js';
import { configProblems } from '../helpers/config-errors.js';

const feed = (id: string, url: string) => ({ id, name: id, url, language: 'en', kind: 'wire' });

describe('feeds.json ${VAR} references', () => {
  it('GIVEN ${VAR}s in a URL THEN they are replaced from the environment and $${VAR} stays literal', () => {
    const text = JSON.stringify([feed('wire', 'https://${WIRE_USER}:${WIRE_PASS}@wire.example/${WIRE_PATH}/rss?apikey=${WIRE_API_KEY}&q=$${literal}')]);
    const [parsed] = parseFeeds(text, '/srv/feeds.json', { WIRE_USER: 'reader', WIRE_PASS: 'pw-0123', WIRE_PATH: 'k3y9', WIRE_API_KEY: 'abc123XYZ' });
    expect(parsed?.url).toBe('https://reader:pw-0123@wire.example/k3y9/rss?apikey=abc123XYZ&q=${literal}');
  });

  it('GIVEN the example of docs/fetching.md WHEN loaded THEN the password and key come from the environment and show as masked', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/fetching.md'), 'utf8');
    const example = /## Secrets in feed URLs[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const [parsed] = parseFeeds(example ?? '', 'feeds.json', { WIRE_PASSWORD: 'pa55-word', WIRE_API_KEY: 'k3y-0123' });
    expect(parsed?.url).toBe('https://reader:pa55-word@pro.wire.example/rss?apikey=k3y-0123');
    expect(redactText(parsed?.url ?? '')).toBe(`https://${REDACTED}@pro.wire.example/rss?apikey=${REDACTED}`);
  });

  it('GIVEN a value substituted into a path THEN it is masked wherever the URL is shown', () => {
    const [parsed] = parseFeeds(JSON.stringify([feed('wire', 'https://wire.example/feeds/${WIRE_FEED_TOKEN}/rss.xml')]), 'feeds.json', { WIRE_FEED_TOKEN: 'pathSecret77' });
    expect(redactText(`fetch of ${parsed?.url ?? ''} failed`)).toBe(`fetch of https://wire.example/feeds/${REDACTED}/rss.xml failed`);
  });

  it('GIVEN a missing or empty variable THEN the error names the file, the feed, the variable and the fix', () => {
    const text = JSON.stringify([feed('yonhap', 'https://yna.example/rss'), feed('a', 'https://a.example/rss'), feed('b', 'https://b.example/rss'), feed('kyiv-post', 'https://kp.example/rss?key=${WIRE_API_KEY}'), feed('e', 'https://e.example/${EMPTY}')]);
    const problems = configProblems(() => parseFeeds(text, 'feeds.json', { EMPTY: '' }));
    expect(problems).toEqual([
      'feeds.json (feeds[3] "kyiv-post".url): the environment variable WIRE_API_KEY (named by ${WIRE_API_KEY}) is not set. Set it in the environment or in .env (see .env.example), or write the value into the URL',
      'feeds.json (feeds[4] "e".url): the environment variable EMPTY (named by ${EMPTY}) is empty. Set it in the environment or in .env (see .env.example), or write the value into the URL',
    ]);
  });

  it('GIVEN a reference that is not a variable name THEN the error says how to write one', () => {
    const [problem] = configProblems(() => parseFeeds(JSON.stringify([feed('x', 'https://x.example/${not a name}')]), 'feeds.json', {}));
    expect(problem).toContain('feeds[0] "x".url): "${not a name}" is not an environment variable reference');
  });

  it('GIVEN an invalid URL with credentials THEN the error does not quote them', () => {
    const [problem] = configProblems(() => parseFeeds(JSON.stringify([feed('x', 'gopher://user:hunter22@x.example/')]), 'feeds.json', {}));
    expect(problem).not.toContain('hunter22');
  });
});
