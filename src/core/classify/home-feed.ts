/**
 * Home feeds (feeds.json `"home": "south-korea"`): a feed of one country's home news names the
 * country no more than a newspaper names its own. "Trainee doctors walk out over medical school
 * quota", "Typhoon makes landfall on southern coast", "Pension reform bill passes National
 * Assembly" from a Korean outlet's national feed are South Korea's news (the rubric's events on
 * its territory) without a word the rules know. A story from such a feed counts for the home topic
 * when nothing else claims it:
 *
 * - no other topic has a keyword hit (a North Korea story in a Seoul paper is the North's);
 * - the home topic has no penalising exclusion (a K-drama's ratings) and no context cap that
 *   decided against it (a firm named, nothing of its life at home);
 * - no other country, its capital, its people or "abroad" is named: the world's countries and
 *   capitals by their English names (countries-list) and the demonyms and states the context
 *   features know.
 *
 * The story is then lifted to CONTEXT_LIFT over the threshold, as the home wire (context.ts) lifts
 * a Yonhap dateline's: the feed is the evidence, which the model cannot read, so the lift decides
 * (only the model's surest no overrules it, in a topic that hears one). A story that names the
 * topic already scores on its own words. Pure.
 */
import { countries as COUNTRIES } from 'countries-list';
import type { FeedConfig, Reason } from '../types.js';
import { abroadWord, CONTEXT_FEATURES, CONTEXT_LIFT } from './context.js';
import type { FieldText, Matcher } from './matcher.js';
import type { RuleSet } from './rules.js';
import { applicableExclusions, contextTest, type KeywordScore } from './score.js';
import { tokenize, type Token } from './text.js';
import type { ClassifyInput, HomeFeed } from './topic-classifier.js';

/**
 * What the classifier reads of a story from `feed`: its text, and the feed's home topic when
 * feeds.json (or `/feeds add home:`) gives one. The poll cycle, the analyse workers,
 * `explain --feed` and `/feeds add` build it alike.
 */
export function classifyInputOf(input: ClassifyInput, feed: FeedConfig): ClassifyInput {
  if (feed.home === undefined) return input;
  const home: HomeFeed = feed.guildId === undefined ? { topic: feed.home, feed: feed.id } : { topic: feed.home, feed: feed.id, added: true };
  return { ...input, home };
}

/** Country names as token sequences, by their first word: matched in a field's tokens. */
export type CountryNames = ReadonlyMap<string, readonly (readonly string[])[]>;

/**
 * The countries' English names, their other names and their capitals ("USA", "Burma", "Ivory
 * Coast", "Lima"), from countries-list, each as the folded words of its name, leaving out every
 * name a topic's pattern matches whole ("South Korea", "Kyiv": a topic's own words are read by its
 * rules). A name of capitals only ("US", "UK", "UAE") is kept by its capitals, "us" being also a
 * pronoun, and with its letters apart ("U.S.").
 */
export function countryNamesFor(matcher: Matcher): CountryNames {
  const byFirst = new Map<string, string[][]>();
  for (const country of Object.values(COUNTRIES)) {
    for (const name of [country.name, ...(country.alias ?? []), country.capital]) {
      if (name.includes(',')) continue;
      const tokens = tokenize(name);
      // Only a hit that is the whole name makes it a topic's: "South" (a pattern of its own that
      // needs context) does not make "South Africa" the South's.
      if (tokens.length === 0 || matcher.matchPatterns({ field: 'title', text: name, tokens }).some((h) => h.from === 0 && h.to === tokens.length)) continue;
      const capitals = tokens.every((t) => t.cased === t.cased.toUpperCase());
      const words = tokens.map((t) => (capitals ? t.cased : t.text));
      const forms = [words];
      // "US" is written "U.S." as often: its letters, one word each.
      const only = tokens.length === 1 ? tokens[0]?.cased ?? '' : '';
      if (capitals && /^[A-Z]{2,3}$/u.test(only)) forms.push(only.match(/[A-Z]/gu) ?? []);
      for (const form of forms) {
        const list = byFirst.get(form[0] ?? '') ?? [];
        if (!list.some((w) => w.join(' ') === form.join(' '))) list.push(form);
        byFirst.set(form[0] ?? '', list);
      }
    }
  }
  return byFirst;
}

/** True when `words` stand at token `k` (folded, or as written for a name of capitals). */
function standsAt(tokens: readonly Token[], k: number, words: readonly string[]): boolean {
  return words.every((w, j) => {
    const t = tokens[k + j];
    return t !== undefined && (t.text === w || t.cased === w);
  });
}

/** The first word that puts the story abroad: a country's name, a demonym, "abroad"; null when none. */
export function abroadNamed(fields: readonly FieldText[], countries: CountryNames): string | null {
  for (const f of fields) {
    const t = f.tokens;
    for (let k = 0; k < t.length; k++) {
      const token = t[k];
      if (!token) continue;
      if (abroadWord(t, k)) return token.cased;
      // A country's name is one only when written as a name: "Turkey", not "turkey"; "US", not "us".
      if (token.cased[0] === token.cased[0]?.toLowerCase()) continue;
      for (const words of [...(countries.get(token.text) ?? []), ...(countries.get(token.cased) ?? [])]) {
        if (standsAt(t, k, words)) return f.text.slice(token.start, t[k + words.length - 1]?.end ?? token.end);
      }
    }
  }
  return null;
}

/**
 * The keyword scores with the home topic lifted when the story's feed is that topic's home and
 * nothing else claims the story (see the module comment); the scores unchanged otherwise.
 */
export function withHomeFeed(rules: RuleSet, matcher: Matcher, fields: readonly FieldText[], keywords: readonly KeywordScore[], home: HomeFeed, countries: () => CountryNames): readonly KeywordScore[] {
  const i = rules.topics.findIndex((t) => t.id === home.topic);
  const topic = rules.topics[i];
  const own = keywords[i];
  if (!topic || !own || own.score >= topic.threshold || own.decided === true) return keywords;
  if (keywords.some((k, j) => j !== i && k.hits > 0)) return keywords;
  // A penalising exclusion of the topic (K-pop's comeback, a Korean plant in Georgia) marks a
  // look-alike; the keyword scores run exclusions only for stories with a hit, so they are run here.
  const aux = fields.flatMap((f) => matcher.matchAux(f, new Set([i])));
  const penalised = applicableExclusions(rules, aux, contextTest(matcher, aux)).some((x) => x.topic === i && (topic.exclusions[x.rule]?.penalty ?? 0) > 0);
  if (own.reasons.some((r) => r.kind === 'exclusion' && r.weight < 0) || penalised) return keywords;
  if (abroadNamed(fields, countries()) !== null) return keywords;
  const title = fields.find((f) => f.field === 'title');
  const target = topic.threshold + CONTEXT_LIFT;
  const reasons: Reason[] = [
    ...own.reasons,
    { kind: 'pattern', pattern: `context: ${CONTEXT_FEATURES.homeFeed}`, matched: title?.text ?? '', field: 'title', weight: Math.round((target - own.score) * 1000) / 1000 },
    { kind: 'note', text: `home feed "${home.feed}" (${home.added === true ? 'added with /feeds add' : 'feeds.json'}): its stories are ${topic.label}'s unless another topic, country or "abroad" is named` },
  ];
  return keywords.map((k, j) => (j === i ? { ...k, score: target, reasons, decided: true } : k));
}
