/**
 * Outlet credits. Aggregators (Google News, Yahoo News, MSN, many "news search" feeds) end each
 * headline with the outlet that published it: "Zelensky meets Trump in Rome - The Kyiv
 * Independent", "Fed holds rates steady - Korea JoongAng Daily", and Google News repeats it at
 * the end of the description. The credit says who wrote the story, not what it is about, yet it
 * may name a topic: read as text, "Kyiv Independent" in a headline matched Ukraine on its own.
 * The classifier reads the story without it (docs/rules.md, "Scoring"), and a developing story's
 * signature leaves it out, so two stories by one outlet do not share keys for that alone.
 *
 * Pure: strings in, strings out.
 */

/** An outlet's credit split from a story: the outlet and the story's text without it. */
export interface OutletCredit {
  /** The outlet as the headline writes it: "The Kyiv Independent". */
  readonly outlet: string;
  /** The headline without the credit and its separator. */
  readonly title: string;
  /** The summary without a trailing repeat of the credit (Google News), else as it was. */
  readonly summary: string;
}

/**
 * The headline's last segment after a spaced dash or bar: "… - Outlet", "… | Outlet", "… — Outlet".
 * Greedy before, so the last separator splits; the outlet is 2 to 60 characters with no separator.
 */
const TRAILING_SEGMENT = /^(.*\S)\s+[-–—|]\s+([^\s\-–—|][^–—|]{0,58}?)\s*$/su;

/** Words that make a short capitalised segment an outlet's name ("Korea JoongAng Daily", "NK Pro"). */
const MEDIA_WORDS = new Set(
  (
    'news post times herald independent daily pravda press agency world today journal tribune gazette telegraph review insider ' +
    'monitor observer voice radio tv television broadcasting broadcast channel network media online magazine express guardian ' +
    'standard mirror chronicle bulletin wire bizwire ilbo sinmun shimbun economist economic business reporter dispatch examiner ' +
    'inquirer courier globe mail sentinel pro watch weekly newsweek politico reuters bloomberg yonhap unian hromadske suspilne ' +
    'hankyoreh arirang kbs mbc sbs jtbc ytn afp ap bbc cnn nbc cbs abc npr pbs dw cnbc euronews meduza tass interfax yahoo msn ' +
    'rbc unn nv espreso glavcom liga newsis desk pulse global exposé expose diplomat euromaidan militarnyi uriminzokkiri naenara voa rfe isw'
  ).split(' '),
);
/** A domain as a name: "NKNews.org", "Korea.net". */
const DOMAIN = /\.(?:com|org|net|info|news|kr|ua|uk|jp|de|fr|eu|io|co)$/iu;
/** Small words an outlet's name may hold in lower case: "Voice of America", "Radio Free Europe". */
const CONNECTORS = new Set(['of', 'the', 'and', 'de', 'la', 'le', 'el', 'del', 'di', 'der', 'die', 'for', 'on', 'in', 'by', '&']);
/** Media words in Korean, Ukrainian and Russian names: 연합뉴스, 조선일보, Українська правда, Укрінформ, РБК-Україна. */
const MEDIA_STEMS = ['뉴스', '일보', '신문', '방송', '타임스', '헤럴드', '경제', '미디어', '통신', '투데이', '데일리', 'правд', 'новин', 'новост', 'інформ', 'информ', 'уніан', 'униан', 'суспільн', 'громадськ', 'тсн', 'рбк', 'радіо', 'радио', 'газет', 'тиждень', 'вісті', 'вести', 'известия', 'коммерсант', 'тасс', 'риа', 'кореспондент', 'канал', 'телеграф', 'дзеркало', 'главком', 'лига', 'цензор'];

/** At most this many words in an outlet's name. */
const MAX_OUTLET_WORDS = 6;
/** A credit follows a story: at least this many words before it, or this many characters (Korean headlines are short in words). */
const MIN_STORY_WORDS = 3;
const MIN_STORY_CHARS = 12;

function isLatinWord(w: string): boolean {
  return /^[\p{Script=Latin}0-9&.'’/-]+$/u.test(w);
}

/** True when a segment reads as an outlet's name rather than the end of a headline. */
export function looksLikeOutlet(segment: string): boolean {
  if (/[:;?!,"“”«»()[\]]/u.test(segment)) return false;
  const words = segment.split(/\s+/u).filter((w) => w !== '');
  if (words.length === 0 || words.length > MAX_OUTLET_WORDS) return false;
  if (words.every(isLatinWord)) {
    // Every word capitalised (or a connector, a domain, a number): a name, not a phrase.
    if (!words.every((w, k) => (k > 0 && CONNECTORS.has(w)) || /^[\p{Lu}0-9&]/u.test(w))) return false;
    const last = words[words.length - 1] ?? '';
    if (DOMAIN.test(last)) return true;
    return words.some((w) => {
      // "News1", "Newsis", "Korea.net's" read as their names.
      const bare = w.toLowerCase().replace(/[.'’]+$/u, '').replace(/\d+$/u, '');
      return MEDIA_WORDS.has(bare) || bare.split(/[-/]/u).some((part) => MEDIA_WORDS.has(part)) || /(?:inform|news)$/u.test(bare);
    });
  }
  // Korean, Ukrainian, Russian names: short, and a media word among them.
  if (words.length > 4) return false;
  const lower = segment.toLowerCase();
  return MEDIA_STEMS.some((s) => lower.includes(s));
}

/**
 * The outlet's credit at the end of a headline, and the story without it; null when the headline
 * ends otherwise. A trailing repeat of the same credit in the summary goes too ("Headline  The
 * Kyiv Independent", Google News's description).
 */
export function splitCredit(title: string, summary: string): OutletCredit | null {
  const first = splitOnce(title);
  if (first === null) return null;
  // An outlet whose own name carries a tagline: "… - Kyiv Independent - Ukraine News".
  const story = splitOnce(first.story)?.story ?? first.story;
  const outlet = title.slice(story.length).replace(/^\s*[-–—|]\s*/u, '').trim();
  const whole = withoutTrailing(summary, outlet, story);
  return { outlet, title: story, summary: whole === summary ? withoutTrailing(summary, first.outlet, story) : whole };
}

/** The headline without an outlet's credit at its end, as it was when it has none: the story's own words, for matching one story against another. */
export function withoutCredit(title: string): string {
  return splitCredit(title, '')?.title ?? title;
}

/**
 * The credit of an outlet the feed names (RSS `<source>`, Google News): when the headline ends
 * with it after a spaced dash or bar, exactly that is split, whatever its words. null when the
 * headline does not end with it.
 */
export function splitNamedCredit(title: string, summary: string, outlet: string): OutletCredit | null {
  const name = outlet.trim();
  const end = title.trimEnd();
  if (name === '' || end.length <= name.length || end.slice(-name.length).toLowerCase() !== name.toLowerCase()) return null;
  const separator = /\s[-–—|]\s*$/u.exec(end.slice(0, -name.length));
  if (separator === null) return null;
  const story = end.slice(0, end.length - name.length - separator[0].length).trimEnd();
  if (story === '') return null;
  return { outlet: end.slice(-name.length), title: story, summary: withoutTrailing(summary, name, story) };
}

/** One trailing credit: the story before it and the outlet; null when the headline ends otherwise. */
function splitOnce(title: string): { readonly story: string; readonly outlet: string } | null {
  // Cheap test first: most headlines have no spaced dash or bar at all.
  if (!/\s[-–—|]\s/u.test(title)) return null;
  const m = TRAILING_SEGMENT.exec(title);
  const story = m?.[1];
  const outlet = m?.[2]?.trim();
  if (story === undefined || outlet === undefined || !looksLikeOutlet(outlet)) return null;
  if (story.split(/\s+/u).length < MIN_STORY_WORDS && story.length < MIN_STORY_CHARS) return null;
  return { story, outlet };
}

/**
 * The summary without a final repeat of the outlet: after a separator or a wide gap ("… | Kyiv
 * Post", "…\u00a0\u00a0Kyiv Post"), or after the headline itself, which is what Google News's
 * description holds ("Fed holds rates steady Kyiv Post" once its HTML is text). An outlet's name
 * that ends a sentence of the summary ("… told the Kyiv Post") stays.
 */
function withoutTrailing(summary: string, outlet: string, story: string): string {
  const trimmed = summary.trimEnd();
  if (!trimmed.toLowerCase().endsWith(outlet.toLowerCase())) return summary;
  const before = trimmed.slice(0, trimmed.length - outlet.length);
  const rest = before.replace(/[\s\-–—|\u00a0]+$/u, '');
  const separated = before === '' || /(?:\s[-–—|]\s*|\s{2,}|\u00a0\s*)$/u.test(before);
  return separated || rest === story.trim() ? rest : summary;
}
