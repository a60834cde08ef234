import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/feeds/parse.js';

/**
 * Hostile documents: the parser must never read a file or URL named by an external entity, and
 * must not expand entity definitions into a huge document ("billion laughs"). Whatever comes out,
 * it holds neither the secret nor the expansion.
 */
const rss = (doctype: string, title: string) =>
  `<?xml version="1.0"?>${doctype}<rss version="2.0"><channel><title>t</title><link>https://x.example/</link><description>d</description>` +
  `<item><title>${title}</title><link>https://x.example/1</link><description>Seoul</description></item></channel></rss>`;

function texts(result: Awaited<ReturnType<typeof parseFeed>>): string {
  return 'ok' in result ? result.message : JSON.stringify(result.items);
}

describe('hostile feeds', () => {
  it('GIVEN an external entity naming a local file THEN its contents never reach the stories', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-xxe-'));
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'TOP-SECRET-CONTENTS');
    const result = await parseFeed(rss(`<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://${secret}">]>`, 'Story &xxe;'), 'https://x.example/feed');
    expect(texts(result)).not.toContain('TOP-SECRET-CONTENTS');
  });

  it('GIVEN nested entity definitions (billion laughs) THEN nothing is expanded', async () => {
    const defs = ['<!ENTITY a0 "lollollollollollollollollollol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`)].join('');
    const result = await parseFeed(rss(`<!DOCTYPE rss [${defs}]>`, 'Story &a9;'), 'https://x.example/feed');
    // A full expansion would be 30 × 10^9 characters; anything past a few kilobytes means expansion happened.
    expect(texts(result).length).toBeLessThan(10_000);
    expect(texts(result)).not.toContain('lollollollollollollollollollollollollollollollollollol');
  });
});
