/**
 * Google News's item description. It is markup, not prose: the headline linked, then its outlet
 * in grey, `<a href="https://news.google.com/rss/articles/…">Headline</a>&nbsp;&nbsp;<font
 * color="#6f6f6f">Outlet</font>`, and for a story with wide coverage (top stories and topic
 * feeds) an `<ol>` of such pairs, one per outlet, often ending in a "View Full Coverage" link.
 * Flattened to text it read "Fed holds rates steady Reuters Fed keeps rates unchanged The Korea
 * Times Powell says … Korea JoongAng Daily": the outlets' names ran into the headlines, were shown
 * so in alerts, and were read as the story's words ("Korea", "Kyiv").
 *
 * Pure: markup in, headlines out.
 */

/**
 * One linked headline and the grey outlet after it (links went to the outlet before 2020, to
 * news.google.com since). The headline cannot run past its own `</a>`, so a long description
 * with many links is read in one pass.
 */
const PAIR = /<a\s[^>]*>((?:[^<]|<(?!\/a>))*)<\/a>(?:\s|&nbsp;|&#160;|\u00a0)*<font\s+color\s*=\s*["']#6f6f6f["'][^>]*>[\s\S]*?<\/font>/giu;

/**
 * The headlines of a Google News description, in order, without their outlets; null when the
 * description is not one (no linked headline followed by a grey outlet). `toText` turns each
 * headline's markup into text (the normaliser's HTML reader).
 */
export function googleNewsHeadlines(html: string, toText: (markup: string) => string): string[] | null {
  // Cheap test first: only Google's markup has the grey outlet.
  if (!html.includes('6f6f6f')) return null;
  const out: string[] = [];
  for (const m of html.matchAll(PAIR)) {
    const headline = toText(m[1] ?? '');
    if (headline !== '' && !out.includes(headline)) out.push(headline);
  }
  return out.length === 0 ? null : out;
}

/** True when `headline` is the item's own: its title, or its title before an outlet's credit ("… - Reuters"). */
function isOwnHeadline(headline: string, title: string): boolean {
  return title === headline || (title.startsWith(headline) && /^\s+[-–—|]\s+\S/u.test(title.slice(headline.length)));
}

/**
 * The summary of a Google News item: the other outlets' headlines its description lists, joined
 * by "; ", without the item's own (the title already says it); '' for a search feed's item, whose
 * description holds only its own. null when the description is not Google News's.
 */
export function googleNewsSummary(html: string, title: string, toText: (markup: string) => string): string | null {
  const headlines = googleNewsHeadlines(html, toText);
  return headlines === null ? null : headlines.filter((h) => !isOwnHeadline(h, title)).join('; ');
}
