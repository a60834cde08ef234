/**
 * The benchmark's feed generator: deterministic (seeded PRNG) RSS 2.0 and Atom documents of
 * realistic size and shape, with a realistic share of on-topic stories. Nothing generated is
 * checked in; every run builds the same corpus from the same seed.
 */
import {
  DISTRACTOR_TITLES, FILLER_SENTENCES, FIRST_NAMES, INSTITUTIONS, LAST_NAMES, OUTLETS, PLACES, SECTIONS, SUBJECTS,
  TOPIC_SENTENCES, TOPIC_TITLES, VERBS,
} from './words.js';

/** mulberry32: tiny, fast, and good enough for picking words. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rng: () => number, list: readonly T[]): T {
  const value = list[Math.floor(rng() * list.length)];
  if (value === undefined) throw new RangeError('pick from an empty list');
  return value;
}

function int(rng: () => number, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** Share of generated stories about one of the three topics (the rest are about none). */
export const ON_TOPIC_SHARE = 0.07;
/** Share of stories that mention a topic word in passing without being about it. */
export const DISTRACTOR_SHARE = 0.02;
/** Share of stories that are wire copy carried by several feeds under the same URL. */
export const WIRE_SHARE = 0.03;

export type TopicId = keyof typeof TOPIC_TITLES;
const TOPIC_IDS = Object.keys(TOPIC_TITLES) as TopicId[];

/** One generated story, in plain text (the feed renders it with some HTML around). */
export interface GeneratedStory {
  readonly key: string;
  readonly title: string;
  readonly paragraphs: readonly string[];
  readonly author: string;
  readonly section: string;
  /** Topic the story is about, or null. */
  readonly topic: TopicId | null;
  readonly wire: boolean;
}

/**
 * Story number `n` of stream `stream`: the same inputs give the same story. Pure function of its
 * arguments, so the server, the baselines and the classifier section agree on the texts.
 */
export function generateStory(stream: number, n: number): GeneratedStory {
  const rng = createRng((stream * 1_000_003 + n * 7919) ^ 0x5bd1e995);
  const roll = rng();
  const author = `${pick(rng, FIRST_NAMES)} ${pick(rng, LAST_NAMES)}`;
  const section = pick(rng, SECTIONS);
  const sentences = int(rng, 2, 5);
  const paragraphs: string[] = [];
  let topic: TopicId | null = null;
  let title: string;
  if (roll < ON_TOPIC_SHARE) {
    topic = pick(rng, TOPIC_IDS);
    title = pick(rng, TOPIC_TITLES[topic]);
    paragraphs.push(pick(rng, TOPIC_SENTENCES[topic]));
  } else if (roll < ON_TOPIC_SHARE + DISTRACTOR_SHARE) {
    title = pick(rng, DISTRACTOR_TITLES);
  } else {
    const who = rng() < 0.5 ? `${pick(rng, FIRST_NAMES)} ${pick(rng, LAST_NAMES)}` : capitalise(pick(rng, INSTITUTIONS));
    title = `${who} ${pick(rng, VERBS)} ${pick(rng, SUBJECTS)} in ${pick(rng, PLACES)}`;
  }
  // A story number in the text keeps every title/summary distinct, as real news is.
  paragraphs.push(`${pick(rng, PLACES).toUpperCase()} — ${capitalise(pick(rng, INSTITUTIONS))} ${pick(rng, VERBS)} ${pick(rng, SUBJECTS)} on day ${n % 365} of the ${stream}-${n} review.`);
  for (let i = 0; i < sentences; i++) paragraphs.push(pick(rng, FILLER_SENTENCES));
  const wire = rng() < WIRE_SHARE;
  return { key: wire ? `w${n % 5000}` : `${stream}-${n}`, title, paragraphs, author, section, topic, wire };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** How a generated feed's server behaves. */
export type FeedBehaviour = 'ok' | 'slow' | 'http-500' | 'html-page' | 'truncated';

export interface FeedSpec {
  readonly index: number;
  readonly id: string;
  readonly outlet: string;
  readonly format: 'rss' | 'atom';
  /** Items in the document. */
  readonly items: number;
  /** Sends ETag/Last-Modified and answers 304 to a matching conditional request. */
  readonly conditional: boolean;
  /** Compresses the body when the client accepts gzip. */
  readonly gzip: boolean;
  /** Carries content:encoded / Atom content in addition to the summary. */
  readonly fullContent: boolean;
  readonly behaviour: FeedBehaviour;
}

/** Share of feeds that answer 304 to conditional requests (the rest send no validators). */
export const CONDITIONAL_SHARE = 0.3;
export const GZIP_SHARE = 0.4;
export const ATOM_SHARE = 0.3;

/** Feed specs for `count` feeds: same seed, same corpus. A few are slow or failing. */
export function generateFeedSpecs(count: number, seed = 1): FeedSpec[] {
  const rng = createRng(seed);
  const specs: FeedSpec[] = [];
  for (let index = 0; index < count; index++) {
    const b = rng();
    // ~1% slow, ~1% failing with 500, ~0.5% an HTML page served as 200, ~0.5% truncated XML.
    const behaviour: FeedBehaviour = b < 0.01 ? 'slow' : b < 0.02 ? 'http-500' : b < 0.025 ? 'html-page' : b < 0.03 ? 'truncated' : 'ok';
    specs.push({
      index,
      id: `bench-${String(index).padStart(4, '0')}`,
      outlet: pick(rng, OUTLETS),
      format: rng() < ATOM_SHARE ? 'atom' : 'rss',
      items: int(rng, 30, 60),
      conditional: rng() < CONDITIONAL_SHARE,
      gzip: rng() < GZIP_SHARE,
      fullContent: rng() < 0.15,
      behaviour,
    });
  }
  return specs;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Minutes between consecutive items of a feed (newest first). */
const ITEM_SPACING_MIN = 17;

function storyUrl(spec: FeedSpec, story: GeneratedStory): string {
  return story.wire
    ? `https://wire.example.com/article/${story.key}?utm_source=${spec.outlet}`
    : `https://www.${spec.outlet}.example.com/${story.section}/${story.key}-${slugify(story.title)}`;
}

function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}

function htmlBody(story: GeneratedStory, url: string): string {
  const [lead, ...rest] = story.paragraphs;
  return `<p><strong>${lead ?? ''}</strong></p>${rest.map((p) => `<p>${p}</p>`).join('')}<p><a href="${url}">Read more</a> &#8212; ${story.author}</p>`;
}

/**
 * The document of `spec` when its newest item is number `head`: items head, head-1, … (the
 * feed shows its latest `spec.items`). `anchorMs` is the date of item {@link INITIAL_HEAD}.
 */
export function renderFeed(spec: FeedSpec, head: number, anchorMs: number): string {
  const entries: string[] = [];
  for (let k = 0; k < spec.items; k++) {
    const n = head - k;
    const story = generateStory(spec.index, n);
    const url = storyUrl(spec, story);
    // Dates hang off the item number, so an item keeps its date when the feed moves on.
    const date = new Date(anchorMs - (INITIAL_HEAD - n) * ITEM_SPACING_MIN * 60_000 - (spec.index % 60) * 1000);
    const body = htmlBody(story, url);
    const summary = `<p>${story.paragraphs.slice(0, 2).join(' ')}</p>`;
    if (spec.format === 'rss') {
      entries.push(`<item>
<title>${escapeXml(story.title)}</title>
<link>${escapeXml(url)}</link>
<guid isPermaLink="false">${spec.outlet}-${spec.index}-${n}</guid>
<pubDate>${date.toUTCString()}</pubDate>
<dc:creator>${escapeXml(story.author)}</dc:creator>
<category>${story.section}</category>
<description><![CDATA[${spec.fullContent ? summary : body}]]></description>${spec.fullContent ? `\n<content:encoded><![CDATA[${body}]]></content:encoded>` : ''}
<media:thumbnail url="https://img.${spec.outlet}.example.com/${n}.jpg" width="640" height="360"/>
</item>`);
    } else {
      entries.push(`<entry>
<title type="html">${escapeXml(story.title)}</title>
<link rel="alternate" type="text/html" href="${escapeXml(url)}"/>
<id>tag:${spec.outlet}.example.com,2024:${spec.index}-${n}</id>
<published>${date.toISOString()}</published>
<updated>${date.toISOString()}</updated>
<author><name>${escapeXml(story.author)}</name></author>
<category term="${story.section}"/>
<summary type="html">${escapeXml(spec.fullContent ? summary : body)}</summary>${spec.fullContent ? `\n<content type="html">${escapeXml(body)}</content>` : ''}
</entry>`);
    }
  }
  const updated = new Date(anchorMs + (head - INITIAL_HEAD) * ITEM_SPACING_MIN * 60_000);
  if (spec.format === 'rss') {
    return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${spec.outlet} — feed ${spec.index}</title>
<link>https://www.${spec.outlet}.example.com/</link>
<atom:link href="https://www.${spec.outlet}.example.com/rss/${spec.index}.xml" rel="self" type="application/rss+xml"/>
<description>Latest stories from ${spec.outlet}</description>
<language>en</language>
<lastBuildDate>${updated.toUTCString()}</lastBuildDate>
<ttl>10</ttl>
${entries.join('\n')}
</channel>
</rss>
`;
  }
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>${spec.outlet} — feed ${spec.index}</title>
<link rel="alternate" href="https://www.${spec.outlet}.example.com/"/>
<link rel="self" href="https://www.${spec.outlet}.example.com/atom/${spec.index}.xml"/>
<id>tag:${spec.outlet}.example.com,2024:feed-${spec.index}</id>
<updated>${updated.toISOString()}</updated>
${entries.join('\n')}
</feed>
`;
}

/** The first head of every feed: far enough from 0 that item numbers never go negative. */
export const INITIAL_HEAD = 1000;

/** A stream of plain story texts (title + summary), as the classifier sees them after normalising. */
export function generateTexts(count: number, stream = 9001): { title: string; summary: string; topic: TopicId | null }[] {
  const out: { title: string; summary: string; topic: TopicId | null }[] = [];
  for (let n = 0; n < count; n++) {
    const story = generateStory(stream, n);
    out.push({ title: story.title, summary: story.paragraphs.join(' '), topic: story.topic });
  }
  return out;
}
