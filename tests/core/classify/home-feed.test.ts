import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../../src/config/rules.js';
import { createTopicClassifier } from '../../../src/core/classify/classifier.js';
import { CONTEXT_FEATURES, CONTEXT_LIFT } from '../../../src/core/classify/context.js';
import { abroadNamed, classifyInputOf, countryNamesFor } from '../../../src/core/classify/home-feed.js';
import { compileMatcher } from '../../../src/core/classify/matcher.js';
import { tokenize } from '../../../src/core/classify/text.js';
import type { Classification } from '../../../src/core/types.js';
import { rulesFromYaml, topicHead } from './helpers.js';

const head = (id: string): string => topicHead(id, id === 'south-korea' ? 'South Korea' : 'North Korea');

const rules = rulesFromYaml({
  'south-korea.yaml': `${head('south-korea')}patterns:
  - weight: 3
    terms: [South Korea, Seoul, South Korean]
exclusions:
  - name: K-pop
    terms: [comeback, girl group]
    penalty: 1
`,
  'north-korea.yaml': `${head('north-korea')}patterns:
  - weight: 3
    terms: [North Korea, Pyongyang]
`,
});
const classifier = createTopicClassifier(rules, null);
const home = { topic: 'south-korea', feed: 'korea-times' };
const HOME_REASON = `context: ${CONTEXT_FEATURES.homeFeed}`;

function south(c: Classification) {
  const v = c.verdicts.find((x) => x.topic === 'south-korea');
  if (!v) throw new Error('no south-korea verdict');
  return v;
}

describe('home feed: a story of a feed of the topic\'s home news', () => {
  it('GIVEN a Korean national story naming no country WHEN it comes from a home feed THEN it matches the home topic, with the feature and the feed as its reasons; from any other feed it matches nothing', () => {
    const story = { title: 'Trainee doctors walk out over medical school quota', summary: 'Thousands of trainee doctors left their hospitals on Tuesday, protesting the government\'s plan to raise admissions.' };
    expect(classifier.classify(story).matched).toEqual([]);
    const fromHome = classifier.classify({ ...story, home });
    expect(fromHome.matched).toEqual(['south-korea']);
    const v = south(fromHome);
    expect(v.score).toBe(4 + CONTEXT_LIFT);
    expect(v.reasons).toContainEqual({ kind: 'pattern', pattern: HOME_REASON, matched: story.title, field: 'title', weight: 4 + CONTEXT_LIFT });
    expect(v.reasons).toContainEqual({ kind: 'note', text: 'home feed "korea-times" (feeds.json): its stories are South Korea\'s unless another topic, country or "abroad" is named' });
  });

  it('GIVEN a feed added from Discord with a home WHEN its story is read as the poller reads it THEN it is lifted alike, and the note says where the home was set', () => {
    const story = { title: 'Trainee doctors walk out over medical school quota', summary: '' };
    const feed = { id: 'seoul-desk', url: 'https://seoul.example/rss', name: 'Seoul desk', language: 'en', kind: 'outlet' as const, intervalMinutes: undefined, enabled: true, topics: [], home: 'south-korea' };
    expect(classifyInputOf(story, feed).home).toEqual({ topic: 'south-korea', feed: 'seoul-desk' });
    expect(classifyInputOf(story, { ...feed, home: undefined })).toBe(story);
    const added = classifier.classify(classifyInputOf(story, { ...feed, guildId: '210000000000000001' }));
    expect(added.matched).toEqual(['south-korea']);
    expect(south(added).reasons).toContainEqual({ kind: 'note', text: 'home feed "seoul-desk" (added with /feeds add): its stories are South Korea\'s unless another topic, country or "abroad" is named' });
  });

  it('GIVEN a one-mention story capped as passing WHEN it comes from a home feed THEN it is lifted too: in a paper\'s national feed a passing mention is still home news', () => {
    const story = { title: 'Typhoon makes landfall on southern coast', summary: 'Ferries were halted and 3,000 people left their homes as the storm neared, officials in Seoul said.' };
    expect(south(classifier.classify(story)).matched).toBe(false);
    expect(south(classifier.classify({ ...story, home })).matched).toBe(true);
  });

  it.each([
    ['a country by name', 'Protests turn deadly as police fire on crowds in Peru'],
    ['a name of several words', 'New Zealand to tighten visa rules for students'],
    ['a name of capitals', 'US envoy arrives for talks on tariffs'],
    ['a name with dots', 'U.S. envoy arrives for talks on tariffs'],
    ['another name of a country', 'Burma\'s junta extends state of emergency'],
    ['a capital', 'Protesters clash with police in Lima'],
    ['a people', 'Japanese carmaker recalls 40,000 vehicles'],
    ['"abroad"', 'Record number of students study abroad this year'],
  ])('GIVEN a story naming %s WHEN it comes from a home feed THEN it is not lifted: it happens elsewhere', (_what, title) => {
    const c = classifier.classify({ title, summary: '', home });
    expect(c.matched).toEqual([]);
    expect(south(c).reasons.some((r) => r.kind === 'pattern' && r.pattern === HOME_REASON)).toBe(false);
  });

  it('GIVEN words that are country names only when written as names ("us", "guinea") WHEN lower case THEN they put nothing abroad', () => {
    expect(classifier.classify({ title: 'Striking nurses tell us why they walked out', summary: 'Pet shops report guinea pig shortage as well.', home }).matched).toEqual(['south-korea']);
    expect(classifier.classify({ title: 'Striking nurses walk out in Guinea', summary: '', home }).matched).toEqual([]);
  });

  it('GIVEN "the world" only ranking a figure ("the lowest in the world", "the world\'s lowest") THEN it puts nothing abroad; the world as a place still does', () => {
    expect(classifier.classify({ title: 'Fertility rate falls to 0.72, the lowest in the world', summary: 'The statistics office said births fell for the eighth year.', home }).matched).toEqual(['south-korea']);
    expect(classifier.classify({ title: 'Births fall again in the world\'s lowest fertility rate', summary: '', home }).matched).toEqual(['south-korea']);
    expect(classifier.classify({ title: 'Nurses head out into the world for jobs', summary: '', home }).matched).toEqual([]);
  });

  it('GIVEN another topic\'s words WHEN the story comes from a home feed THEN the home topic is not lifted: a North Korea story in a Seoul paper is the North\'s', () => {
    const c = classifier.classify({ title: 'Pyongyang fires two ballistic missiles into the sea', summary: '', home });
    expect(c.matched).toEqual(['north-korea']);
    expect(south(c).score).toBe(0);
  });

  it('GIVEN a penalising exclusion of the home topic and no keyword hit WHEN the story comes from a home feed THEN it is not lifted: a K-pop comeback is a look-alike', () => {
    expect(classifier.classify({ title: 'Girl group tops charts with comeback single', summary: '', home }).matched).toEqual([]);
  });

  it('GIVEN a story that matches on its own words WHEN it comes from a home feed THEN its verdict is the same as from any feed', () => {
    const story = { title: 'Seoul raises minimum wage by 2.5%', summary: 'The increase takes effect in January.' };
    expect(classifier.classify({ ...story, home })).toEqual(classifier.classify(story));
  });

  it('GIVEN a home topic the rules do not have WHEN classified THEN the verdicts are those of any feed', () => {
    const story = { title: 'Trainee doctors walk out over medical school quota', summary: '' };
    expect(classifier.classify({ ...story, home: { topic: 'taiwan', feed: 'taipei-times' } })).toEqual(classifier.classify(story));
  });
});

describe('the countries\' names', () => {
  const countries = countryNamesFor(compileMatcher(rules));
  const fields = (title: string) => [{ field: 'title' as const, text: title, tokens: tokenize(title) }];

  it('GIVEN names a topic\'s pattern matches WHEN the list is built THEN they are left to the rules; other names are kept, whole', () => {
    expect(countries.get('south')?.map((w) => w.join(' ')) ?? []).not.toContain('south korea');
    expect(countries.get('north')?.map((w) => w.join(' ')) ?? []).not.toContain('north korea');
    expect(countries.get('south')?.map((w) => w.join(' '))).toContain('south africa');
    expect(countries.get('new')?.map((w) => w.join(' '))).toContain('new zealand');
  });

  it('GIVEN a field WHEN read THEN the first name abroad is returned as written, and a name\'s first word alone is none', () => {
    expect(abroadNamed(fields('Floods hit Ivory Coast and Ghana'), countries)).toBe('Ivory Coast');
    expect(abroadNamed(fields('Heavy snow in New York'), countries)).toBeNull();
    expect(abroadNamed(fields('Exports to Vietnamese buyers rise'), countries)).toBe('Vietnamese');
  });

  it('GIVEN the shipped rules, where "South" is a pattern of its own WHEN the list is built THEN only names a pattern matches whole are left out: "South Africa" stays a country abroad', () => {
    const shipped = countryNamesFor(compileMatcher(loadRules(join(import.meta.dirname, '../../../rules'))));
    expect(abroadNamed(fields('Jacob Zuma resigns as South Africa\'s president'), shipped)).toBe('South Africa');
    expect(abroadNamed(fields('South Korea and Ukraine sign a grain deal'), shipped)).toBeNull();
  });
});
