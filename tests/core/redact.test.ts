import { describe, expect, it } from 'vitest';
import { REDACTED, expandSecrets, isSecretParam, redactText, redactUrl, rememberSecret } from '../../src/core/redact.js';

const R = REDACTED;

describe('redactUrl', () => {
  it.each([
    ['user-info', 'https://reader:pa55w0rd@wire.example/rss.xml', `https://${R}@wire.example/rss.xml`],
    ['user name only', 'https://ghp_abcdef123456@git.example/feed', `https://${R}@git.example/feed`],
    ['encoded user-info with an @ in the password', 'http://me%40x.org:p@ss@127.0.0.1:8080/f', `http://${R}@127.0.0.1:8080/f`],
    ['webhook token', 'https://discord.com/api/webhooks/123456789012345678/Zx9_tok-en', `https://discord.com/api/webhooks/123456789012345678/${R}`],
    ['versioned webhook with a query', 'https://discord.com/api/v10/webhooks/1/abc-DEF_123?wait=true', `https://discord.com/api/v10/webhooks/1/${R}?wait=true`],
    ['webhook without /api on another host', 'http://127.0.0.1:9/webhooks/42/secretTok', `http://127.0.0.1:9/webhooks/42/${R}`],
    ['interaction callback', 'https://discord.com/api/v10/interactions/1234567890/aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzZWNyZXQ/callback?with_response=false', `https://discord.com/api/v10/interactions/1234567890/${R}/callback?with_response=false`],
    ['interaction follow-up, @original', 'https://discord.com/api/v10/webhooks/99/aW50ZXJhY3Rpb25Ub2tlbg/messages/@original', `https://discord.com/api/v10/webhooks/99/${R}/messages/@original`],
    ['interaction follow-up, %40original', 'http://127.0.0.1:5/api/v10/webhooks/99/aW50ZXJhY3Rpb25Ub2tlbg/messages/%40original', `http://127.0.0.1:5/api/v10/webhooks/99/${R}/messages/%40original`],
    ['interaction follow-up by message id', 'https://discord.com/api/webhooks/99/aW50ZXJhY3Rpb25Ub2tlbg/messages/1234', `https://discord.com/api/webhooks/99/${R}/messages/1234`],
    ['mixed-case parameter', 'https://x.example/rss?ApiKey=S3CRET&lang=en', `https://x.example/rss?ApiKey=${R}&lang=en`],
    ['encoded parameter name', 'https://x.example/rss?api%5Fkey=S3CRET', `https://x.example/rss?api%5Fkey=${R}`],
    ['suffix rule', 'https://x.example/rss?wire_key=A&x-auth-token=B&accessToken=C&page=2', `https://x.example/rss?wire_key=${R}&x-auth-token=${R}&accessToken=${R}&page=2`],
    ['token in the fragment', 'https://x.example/cb#access_token=abc&state=1', `https://x.example/cb#access_token=${R}&state=1`],
    ['secret in a URL passed as a parameter', `https://proxy.example/?url=${encodeURIComponent('https://w.example/f?apikey=S3CRET')}`, `https://proxy.example/?url=${encodeURIComponent(`https://w.example/f?apikey=${R}`)}`],
    ['all at once', 'https://u:p@h.example/webhooks/1/t?token=x#sig=y', `https://${R}@h.example/webhooks/1/${R}?token=${R}#sig=${R}`],
  ])('GIVEN %s WHEN redacted THEN only the secret is masked', (_label, input, expected) => {
    expect(redactUrl(input)).toBe(expected);
  });

  it.each([
    'key', 'apikey', 'api_key', 'api-key', 'token', 'access_token', 'refresh_token', 'auth', 'authorization', 'sig', 'signature',
    'password', 'passwd', 'pwd', 'secret', 'client_secret', 'session', 'sessionid', 'x-api-key', 'my_key', 'my_token', 'my_secret', 'my-key', 'my-token',
  ])('GIVEN the parameter %s in any case WHEN redacted THEN its value is masked', (name) => {
    expect(redactUrl(`https://h.example/rss?a=1&${name}=V4LUE`)).toBe(`https://h.example/rss?a=1&${name}=${R}`);
    expect(redactUrl(`https://h.example/rss?${name.toUpperCase()}=V4LUE`)).toBe(`https://h.example/rss?${name.toUpperCase()}=${R}`);
  });

  it.each([
    'https://en.yna.co.kr/RSS/news.xml',
    'https://www.kyivpost.com/feed?page=2&lang=uk#top',
    'https://news.example/rss?monkey=1&keyword=korea&tokens_count=3&id=7',
    'http://[::1]:8080/feeds/rss2.xml?type=application/xml',
    'https://discord.com/channels/1/2',
    'examples/yonhap.xml',
    '/srv/feeds/a.xml',
  ])('GIVEN an ordinary URL %s WHEN redacted THEN it is unchanged', (url) => {
    expect(redactUrl(url)).toBe(url);
  });

  it('GIVEN a redacted URL WHEN redacted again THEN it is unchanged', () => {
    const once = redactUrl('https://u:p@h.example/webhooks/1/t?token=x');
    expect(redactUrl(once)).toBe(once);
    expect(redactText(once)).toBe(once);
  });
});

describe('redactText', () => {
  it('GIVEN a PostgreSQL connection string with a password WHEN redacted THEN the credentials go and the server stays', () => {
    expect(redactText('cannot open PostgreSQL database postgres://watch:s3cr3t-pw@db.internal:5432/wf: ECONNREFUSED')).toBe(
      `cannot open PostgreSQL database postgres://${R}@db.internal:5432/wf: ECONNREFUSED`,
    );
    expect(redactText('WATCHFLOOR_DB=postgresql://watch:p%40ss@db/wf?sslmode=require')).toBe(`WATCHFLOOR_DB=postgresql://${R}@db/wf?sslmode=require`);
    expect(redactText('{"db":"postgres://u:pw@h/d"}')).toBe(`{"db":"postgres://${R}@h/d"}`);
    expect(redactText("host=db user=watch password=hunter2secret dbname=wf")).toBe(`host=db user=watch password=${R} dbname=wf`);
    expect(redactText("host=db password = 'two words' port=5432")).toBe(`host=db password = ${R} port=5432`);
    expect(redactText('password authentication failed for user "watch"')).toBe('password authentication failed for user "watch"');
  });

  it('GIVEN a URL inside a sentence with trailing punctuation WHEN redacted THEN the secret goes and the punctuation stays', () => {
    expect(redactText('fetch of https://u:pw@h.example/f?apikey=S3CRET. Retried later')).toBe(`fetch of https://${R}@h.example/f?apikey=${R}. Retried later`);
    expect(redactText('(see https://h.example/f?token=S3CRET), then')).toBe(`(see https://h.example/f?token=${R}), then`);
    expect(redactText('failed: https://h.example/f?key=S3CRET')).toBe(`failed: https://h.example/f?key=${R}`);
  });

  it('GIVEN a stack trace quoting an interaction URL WHEN redacted THEN the token goes and the frames stay', () => {
    const stack = [
      'DiscordAPIError[10062]: Unknown interaction',
      '    at handleErrors (file:///app/node_modules/@discordjs/rest/dist/index.mjs:748:13)',
      '    url: https://discord.com/api/v10/interactions/1234567890/aW50ZXJhY3Rpb246c2VjcmV0VG9rZW4/callback?with_response=false',
    ].join('\n');
    const out = redactText(stack);
    expect(out).not.toContain('aW50ZXJhY3Rpb246c2VjcmV0VG9rZW4');
    expect(out).toContain('/interactions/1234567890/');
    expect(out).toContain('index.mjs:748:13)');
  });

  it('GIVEN URLs inside a serialised JSON line WHEN redacted THEN the line stays valid JSON without the secrets', () => {
    const line = JSON.stringify({ err: { url: 'https://discord.com/api/v10/interactions/1/SECRETtoken/callback' }, msg: 'GET http://a:b@h.example/x?sig=SECRETsig failed' });
    const out = redactText(line);
    expect(out).not.toContain('SECRET');
    expect(JSON.parse(out)).toEqual({ err: { url: `https://discord.com/api/v10/interactions/1/${R}/callback` }, msg: `GET http://${R}@h.example/x?sig=${R} failed` });
  });

  it('GIVEN a path or parameter without the scheme WHEN redacted THEN it is masked too', () => {
    expect(redactText('POST /api/v10/interactions/77/SECRETtoken/callback')).toBe(`POST /api/v10/interactions/77/${R}/callback`);
    expect(redactText('GET /rss?apikey=S3CRET 500')).toBe(`GET /rss?apikey=${R} 500`);
  });

  it('GIVEN a URL escaped for Discord Markdown WHEN redacted THEN it is scanned whole', () => {
    expect(redactText('http: https://h.example/rss?api\\_key=S3CRET answered 500')).toBe(`http: https://h.example/rss?api\\_key=${R} answered 500`);
    expect(redactText('[Feed](https://u:pw@h.example/rss?token=S3CRET)')).toBe(`[Feed](https://${R}@h.example/rss?token=${R})`);
  });

  it('GIVEN an Authorization value and a bot token WHEN redacted THEN both are masked', () => {
    expect(redactText('headers: {"authorization":"Basic dXNlcjpwYXNzd29yZA=="}')).toBe(`headers: {"authorization":"Basic ${R}"}`);
    expect(redactText('token MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456 here')).toBe(`token ${R} here`);
  });

  it('GIVEN literal secrets WHEN redacted THEN long ones are masked anywhere and short ones left alone', () => {
    expect(redactText('value long-enough-secret here', ['long-enough-secret'])).toBe(`value ${R} here`);
    expect(redactText('Seoul and Kyiv', ['Kyiv'])).toBe('Seoul and Kyiv');
  });

  it('GIVEN a remembered secret in a URL path WHEN redacted THEN it is masked even when short', () => {
    rememberSecret('p4th');
    expect(redactUrl('https://h.example/feeds/p4th/rss.xml')).toBe(`https://h.example/feeds/${R}/rss.xml`);
    expect(redactText('failed: https://h.example/feeds/p4th/rss.xml')).toBe(`failed: https://h.example/feeds/${R}/rss.xml`);
    // Outside a URL a short value is an ordinary word.
    expect(redactText('p4th is fine')).toBe('p4th is fine');
  });

  it('GIVEN ordinary text and URLs WHEN redacted THEN nothing changes', () => {
    const text = 'Seoul: 12 feeds polled; see https://en.yna.co.kr/view/AEN2025?section=nk&page=2 (Yonhap). Kyiv, #1 story?';
    expect(redactText(text)).toBe(text);
  });

  it('GIVEN parameter names WHEN judged THEN credentials are told from ordinary names', () => {
    expect(isSecretParam('X-Amz-Signature')).toBe(true);
    expect(isSecretParam('monkey')).toBe(false);
    expect(isSecretParam('keyword')).toBe(false);
  });

  it('GIVEN a webhook URL among secrets WHEN expanded THEN its token is added', () => {
    expect(expandSecrets(['https://discord.com/api/webhooks/1/tok_en-123'])).toContain('tok_en-123');
  });
});
