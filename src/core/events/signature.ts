/**
 * What a headline says, reduced to what two reports of one event share across outlets, wording
 * and languages: named entities (people, places, organisations: capitalised Latin names, and
 * the native-script names of a small gazetteer, which map to one id in every script), a few
 * event concepts (missile, drone, earthquake … in English, Korean, Ukrainian and Russian), and
 * content words. Pure: no I/O.
 */
import { normaliseTitle, shinglesOfNormalised } from '../compose/cluster.js';
import { withoutCredit } from '../outlet-credit.js';

const LATIN = /\p{Script=Latin}/u;
const HANGUL = /\p{Script=Hangul}/u;

/** One alias list per entity or concept id; matching is on normalised text (lower case, NFKC). */
const GAZETTEER: Readonly<Record<string, readonly string[]>> = {
  'e:north-korea': ['north korea', 'north korean', 'dprk', 'pyongyang regime', '북한', '북', '조선', 'північна корея', 'кндр', 'северная корея'],
  'e:south-korea': ['south korea', 'south korean', 'republic of korea', '한국', '남한', 'південна корея', 'южная корея'],
  'e:pyongyang': ['pyongyang', '평양', 'пхеньян'],
  'e:seoul': ['seoul', '서울', 'сеул'],
  'e:kim-jong-un': ['kim jong un', 'kim jong-un', '김정은', 'кім чен ин', 'ким чен ын'],
  'e:kim-yo-jong': ['kim yo jong', 'kim yo-jong', '김여정'],
  'e:east-sea': ['east sea', 'sea of japan', '동해', '동해상'],
  'e:yellow-sea': ['yellow sea', 'west sea', '서해', '서해상'],
  'e:japan': ['japan', 'japanese', 'tokyo', '일본', 'японія', 'япония'],
  'e:china': ['china', 'chinese', 'beijing', '중국', 'китай'],
  'e:united-states': ['united states', 'u s', 'us', 'washington', '미국', 'сша'],
  'e:jcs': ['joint chiefs of staff', 'jcs', '합참', '합동참모본부'],
  'e:ukraine': ['ukraine', 'ukrainian', '우크라이나', 'україна', 'україни', 'україні', 'украина', 'украины'],
  'e:russia': ['russia', 'russian', 'moscow', 'kremlin', '러시아', 'росія', 'росії', 'рф', 'россия', 'москва', 'кремль'],
  'e:kyiv': ['kyiv', 'kiev', '키이우', '키예프', 'київ', 'києві', 'києва', 'киев'],
  'e:kharkiv': ['kharkiv', 'kharkov', '하르키우', 'харків', 'харкові', 'харкова', 'харьков'],
  'e:odesa': ['odesa', 'odessa', '오데사', 'одеса', 'одесі', 'одессa', 'одесса'],
  'e:lviv': ['lviv', '르비우', 'львів', 'львові', 'львов'],
  'e:dnipro': ['dnipro', '드니프로', 'дніпро', 'дніпрі', 'днепр'],
  'e:zaporizhzhia': ['zaporizhzhia', 'zaporizhia', '자포리자', 'запоріжжя', 'запоріжжі', 'запорожье'],
  'e:donetsk': ['donetsk', '도네츠크', 'донецьк', 'донецк'],
  'e:crimea': ['crimea', '크림', 'крим', 'крым'],
  'e:zelensky': ['zelensky', 'zelenskyy', 'zelenskiy', '젤렌스키', 'зеленський', 'зеленский'],
  'e:putin': ['putin', '푸틴', 'путін', 'путин'],
  'e:nato': ['nato', '나토', 'нато'],
  'c:missile': ['missile', 'missiles', 'ballistic', 'icbm', '미사일', '탄도미사일', 'ракета', 'ракети', 'ракетний', 'ракетный', 'ракеты'],
  'c:drone': ['drone', 'drones', 'shahed', '드론', '무인기', 'дрон', 'дрони', 'дронів', 'безпілотник', 'безпілотники', 'беспилотник'],
  'c:nuclear': ['nuclear', '핵', '핵실험', 'ядерний', 'ядерное', 'ядерный'],
  'c:launch': ['launch', 'launches', 'fires', 'fired', '발사', 'запуск', 'запустила', 'запустив'],
  'c:strike': ['strike', 'strikes', 'attack', 'attacks', 'shelling', '공습', '공격', 'удар', 'удари', 'атака', 'обстріл'],
  'c:earthquake': ['earthquake', 'quake', '지진', 'землетрус', 'землетрясение'],
  'c:election': ['election', 'elections', '선거', '대선', 'вибори', 'выборы'],
  'c:power': ['power grid', 'blackout', 'power outage', 'energy infrastructure', '정전', 'знеструмлення', 'енергетика', 'енергосистема'],
};

/** Words that carry no event: articles, auxiliaries, headline filler. */
const STOPWORDS = new Set(
  'a an the of in on at to for from by with and or but as is are was were be been has have had its it this that these those into over after before amid about than says said say new more up out off not no will would could can may might report reports reported breaking live update updates latest news'.split(' '),
);

interface AliasEntry {
  readonly id: string;
  readonly words: readonly string[];
}

/** Aliases keyed by their first word, longest first, for a greedy left-to-right scan. */
const ALIASES: ReadonlyMap<string, readonly AliasEntry[]> = (() => {
  const map = new Map<string, AliasEntry[]>();
  for (const [id, aliases] of Object.entries(GAZETTEER)) {
    for (const alias of aliases) {
      const words = normaliseTitle(alias).split(' ');
      const first = words[0];
      if (!first) continue;
      const list = map.get(first) ?? [];
      list.push({ id, words });
      map.set(first, list);
    }
  }
  for (const list of map.values()) list.sort((a, b) => b.words.length - a.words.length);
  return map;
})();

/** One-word Hangul aliases of two or more syllables, tried as prefixes of a word. */
const HANGUL_PREFIXES: readonly (readonly [string, string])[] = [...ALIASES.values()]
  .flat()
  .filter((a) => a.words.length === 1 && HANGUL.test(a.words[0] ?? '') && (a.words[0] ?? '').length >= 2)
  .map((a) => [a.words[0] ?? '', a.id] as const);

/** The signature of one headline. */
export interface Signature {
  /** Entity ids (`e:`) and concept ids (`c:`) the headline names, in every script alike. */
  readonly keys: ReadonlySet<string>;
  /** Content words (lower case, Latin words cut to their first 6 letters as a crude stem). */
  readonly words: ReadonlySet<string>;
  /** Character 3-grams of the normalised headline (ADR 7). */
  readonly shingles: ReadonlySet<string>;
  /** The script family of the headline: `latin`, `hangul`, `cyrillic`, `other`. */
  readonly script: string;
  /** The keys that name specific people and places (not concepts, not whole countries). */
  readonly specific: ReadonlySet<string>;
}

/** Entities that name a whole country or alliance: shared by too many events to tell them apart. */
const BROAD_ENTITIES = new Set(['e:north-korea', 'e:south-korea', 'e:ukraine', 'e:russia', 'e:united-states', 'e:china', 'e:japan', 'e:nato']);


function scriptOf(text: string): string {
  let latin = 0;
  let hangul = 0;
  let cyrillic = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0xc0 && c <= 0x24f)) latin++;
    else if ((c >= 0xac00 && c <= 0xd7a3) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f)) hangul++;
    else if (c >= 0x400 && c <= 0x52f) cyrillic++;
  }
  const max = Math.max(latin, hangul, cyrillic);
  if (max === 0) return 'other';
  return max === latin ? 'latin' : max === hangul ? 'hangul' : 'cyrillic';
}

/** A content word as an index term: a crude stem for Latin words, the word itself otherwise. */
function stem(word: string): string {
  return LATIN.test(word) ? word.slice(0, 6) : word;
}

/**
 * Capitalised Latin names the gazetteer does not know ("Kim Yong Chol", "Bakhmut"): runs of
 * capitalised words in the original headline, not at its start unless followed by another
 * capitalised word, become `n:` keys, so two outlets naming the same unknown person or place meet.
 */
function capitalisedNames(title: string): string[] {
  const tokens = title.normalize('NFKC').split(/[^\p{L}\p{N}'’-]+/u).filter((t) => t.length > 0);
  const isCapitalised = (token: string): boolean => /^\p{Lu}[\p{Ll}'’-]+$/u.test(token) || /^\p{Lu}{2,}$/u.test(token);
  // A Title Case Headline capitalises every word: nothing in it marks a name.
  const latinWords = tokens.filter((t) => LATIN.test(t) && !STOPWORDS.has(t.toLowerCase()));
  if (latinWords.length >= 3 && latinWords.filter(isCapitalised).length / latinWords.length > 0.6) return [];
  const out: string[] = [];
  let run: string[] = [];
  const flush = (): void => {
    if (run.length > 0) {
      const name = normaliseTitle(run.join(' '));
      if (name.length >= 4 && !STOPWORDS.has(name)) out.push(`n:${name}`);
    }
    run = [];
  };
  tokens.forEach((token, index) => {
    const known = ALIASES.has(token.toLowerCase());
    const headlineStart = index === 0 && !isCapitalised(tokens[1] ?? '');
    if (isCapitalised(token) && !known && !headlineStart && LATIN.test(token)) run.push(token);
    else flush();
  });
  flush();
  return out;
}

/**
 * The signature of a headline; the same input always gives the same signature. An aggregator's
 * outlet credit ("… - The Kyiv Independent") is left out: it names who wrote the story.
 */
export function signatureOf(headline: string): Signature {
  const title = withoutCredit(headline);
  const normalised = normaliseTitle(title);
  const words = normalised.split(' ').filter((w) => w.length > 0);
  const keys = new Set<string>();
  const content = new Set<string>();
  for (let i = 0; i < words.length; ) {
    const word = words[i] ?? '';
    const match = ALIASES.get(word)?.find((a) => a.words.every((w, k) => words[i + k] === w));
    if (match) {
      keys.add(match.id);
      i += match.words.length;
      continue;
    }
    // Korean attaches particles to nouns (북한이, 동해상으로): try the alias as a prefix of the word.
    if (HANGUL.test(word)) {
      for (const [alias, id] of HANGUL_PREFIXES) if (word.startsWith(alias)) keys.add(id);
    }
    if (!STOPWORDS.has(word) && (word.length >= 3 || (!LATIN.test(word) && word.length >= 2)) && !/^\d+$/u.test(word)) content.add(stem(word));
    i++;
  }
  for (const name of capitalisedNames(title)) {
    const known = ALIASES.get(name.slice(2).split(' ')[0] ?? '')?.some((a) => a.words.join(' ') === name.slice(2));
    if (!known) keys.add(name);
  }
  keys.delete('');
  const specific = new Set([...keys].filter((k) => !k.startsWith('c:') && !BROAD_ENTITIES.has(k)));
  return { keys, words: content, shingles: shinglesOfNormalised(normalised), script: scriptOf(title), specific };
}

/** The terms a signature is indexed under: its keys and content words. */
export function indexTerms(signature: Signature): string[] {
  return [...signature.keys, ...[...signature.words].map((w) => `w:${w}`)];
}
