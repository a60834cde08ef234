import { Writable } from 'node:stream';
import { DiscordAPIError, HTTPError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { createLogger, maskSecrets, REDACTED, secretValuesOf } from '../../src/app/logger.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456';
const WEBHOOK = 'https://discord.com/api/webhooks/123456789012345678/Zx9_secretWebhookToken-abc';
const WEBHOOK_SECRET_PART = 'Zx9_secretWebhookToken-abc';

/** A logger writing into memory, exactly as in production but to a capturable stream. */
function capture(secrets?: readonly string[]) {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const log = createLogger({ level: 'debug', format: 'json', destination, ...(secrets ? { secrets } : {}) });
  return { log, text: () => chunks.join(''), lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger redaction', () => {
  it('GIVEN a token under a redacted key WHEN logged THEN the value is replaced and the line stays valid JSON', () => {
    const { log, text, lines } = capture([]);
    log.info({ token: 'plain-secret-value', config: { DISCORD_TOKEN: 'another-secret-value' } }, 'starting');
    expect(text()).not.toContain('plain-secret-value');
    expect(text()).not.toContain('another-secret-value');
    const [line] = lines();
    expect(line?.token).toBe(REDACTED);
    expect(line?.config).toEqual({ DISCORD_TOKEN: REDACTED });
  });

  it('GIVEN the configured token inside an error message and stack WHEN logged THEN it appears nowhere', () => {
    const { log, text, lines } = capture([TOKEN]);
    log.error({ err: new Error(`login failed for ${TOKEN}`) }, `gateway refused ${TOKEN}`);
    expect(text()).not.toContain(TOKEN);
    const [line] = lines();
    expect(line?.msg).toBe(`gateway refused ${REDACTED}`);
    expect(JSON.stringify(line?.err)).toContain(`login failed for ${REDACTED}`);
  });

  it('GIVEN a webhook URL in a message, an error and a nested field WHEN logged THEN its credential is masked but the webhook id kept', () => {
    const { log, text } = capture([]);
    log.warn({ request: { url: `${WEBHOOK}?wait=true` }, err: new Error(`POST ${WEBHOOK} 404`) }, `delivery to ${WEBHOOK} failed`);
    const out = text();
    expect(out).not.toContain(WEBHOOK_SECRET_PART);
    expect(out).toContain(`https://discord.com/api/webhooks/123456789012345678/${REDACTED}`);
    expect(out.split(REDACTED).length - 1).toBeGreaterThanOrEqual(3);
  });

  it('GIVEN the configured webhook URL WHEN an error quotes only its credential THEN the credential is masked', () => {
    const { log, text } = capture([WEBHOOK]);
    log.error({ err: new Error(`invalid webhook token ${WEBHOOK_SECRET_PART}`) }, 'send failed');
    expect(text()).not.toContain(WEBHOOK_SECRET_PART);
    expect(text()).toContain(`invalid webhook token ${REDACTED}`);
  });

  it('GIVEN versioned, discordapp.com and canary webhook URLs WHEN masked THEN each credential is hidden', () => {
    for (const url of [
      'https://discord.com/api/v10/webhooks/1/abc-DEF_123',
      'https://discordapp.com/api/webhooks/22/abc-DEF_123',
      'https://canary.discord.com/api/webhooks/333/abc-DEF_123',
    ]) {
      expect(maskSecrets(`x ${url} y`)).not.toContain('abc-DEF_123');
    }
  });

  it('GIVEN discord.js errors whose url carries an interaction token WHEN logged THEN the token is masked and the route kept', () => {
    const { log, text } = capture([]);
    const interactionToken = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmJsYWJsYWJsYQ';
    const callback = `https://discord.com/api/v10/interactions/123456789012345678/${interactionToken}/callback?with_response=false`;
    const followUp = `https://discord.com/api/v10/webhooks/223456789012345678/${interactionToken}/messages/%40original`;
    log.error({ err: new DiscordAPIError({ code: 10062, message: 'Unknown interaction' }, 10062, 404, 'POST', callback, { body: undefined }) }, 'could not answer an interaction');
    log.error({ err: new HTTPError(502, 'Bad Gateway', 'PATCH', followUp, { body: undefined }), request: { path: `/interactions/1/${interactionToken}/callback` } }, 'edit failed');
    const out = text();
    expect(out).not.toContain(interactionToken);
    expect(out).toContain(`/interactions/123456789012345678/${REDACTED}/callback`);
    expect(out).toContain(`/webhooks/223456789012345678/${REDACTED}/messages/%40original`);
  });

  it('GIVEN a feed URL with credentials and an api key in an error WHEN logged THEN neither appears', () => {
    const { log, text } = capture([]);
    log.warn({ err: new TypeError('fetch failed', { cause: new Error('Request cannot be constructed from a URL that includes credentials: https://reader:hunter2pw@wire.example/rss?apikey=K3YVALUE') }) }, 'https://reader:hunter2pw@wire.example/rss?apikey=K3YVALUE failed');
    expect(text()).not.toContain('hunter2pw');
    expect(text()).not.toContain('K3YVALUE');
    expect(text()).toContain('wire.example/rss');
  });

  it('GIVEN a token-shaped string that is not the configured one WHEN logged THEN it is masked too', () => {
    const { log, text } = capture([]);
    log.info(`feed url contained ${TOKEN}`);
    expect(text()).not.toContain(TOKEN);
  });

  it('GIVEN no explicit secrets WHEN created THEN the secret settings of process.env are masked', () => {
    const previous = process.env.DISCORD_TOKEN;
    process.env.DISCORD_TOKEN = 'short.but-long-enough-secret';
    try {
      const { log, text } = capture();
      log.info('value is short.but-long-enough-secret here');
      expect(text()).toContain(`value is ${REDACTED} here`);
    } finally {
      if (previous === undefined) delete process.env.DISCORD_TOKEN;
      else process.env.DISCORD_TOKEN = previous;
    }
  });

  it('GIVEN ordinary text and a very short secret WHEN masked THEN nothing is changed', () => {
    expect(maskSecrets('Seoul and Kyiv, 12 feeds', ['Kyiv'])).toBe('Seoul and Kyiv, 12 feeds');
  });

  it('GIVEN an environment WHEN its secret values are taken THEN only set secrets are returned', () => {
    expect(secretValuesOf({ DISCORD_TOKEN: ` ${TOKEN} `, DISCORD_WEBHOOK_URL: '', LOG_LEVEL: 'info' })).toEqual([TOKEN]);
  });
});
