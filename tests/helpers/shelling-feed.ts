/**
 * The Ukraine stories of the multi-process role tests: an RSS document and items that the
 * classifier matches (Ukraine, Kyiv, shelling), each with its own link under `prefix`.
 */
export function rss(title: string, items: string): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://ukr.example/</link><description>d</description>${items}</channel></rss>`;
}

export function item(n: number, now: number, prefix: string): string {
  return `<item><title>Kyiv story ${n}: Ukraine reports shelling near Kharkiv, ${n} hurt</title><link>https://ukr.example/${prefix}/${n}</link>` +
    `<guid>${prefix}-${n}</guid><pubDate>${new Date(now - n * 1000).toUTCString()}</pubDate>` +
    `<description>Ukrainian officials in Kyiv said Russian forces shelled the region overnight (report ${n}).</description></item>`;
}
