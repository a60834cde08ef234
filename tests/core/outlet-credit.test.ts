import { describe, expect, it } from 'vitest';
import { looksLikeOutlet, splitCredit, splitNamedCredit } from '../../src/core/outlet-credit.js';

describe('outlet credits at a headline\'s end (aggregators: Google News, Yahoo, MSN)', () => {
  it('GIVEN "… - Outlet", "… | Outlet" or "… — Outlet" THEN the outlet is split from the story', () => {
    expect(splitCredit('Fed holds rates steady as inflation cools - Kyiv Post', '')).toEqual({ outlet: 'Kyiv Post', title: 'Fed holds rates steady as inflation cools', summary: '' });
    expect(splitCredit('North Korea fires two ballistic missiles | NK News', '')?.outlet).toBe('NK News');
    expect(splitCredit('Seoul stocks close higher on chip rally — The Korea Herald', '')?.outlet).toBe('The Korea Herald');
    expect(splitCredit('Putin says the war will go on - Radio Free Europe/Radio Liberty', '')?.outlet).toBe('Radio Free Europe/Radio Liberty');
    expect(splitCredit('Samsung unveils new foldables in Paris - Korea.net', '')?.outlet).toBe('Korea.net');
    expect(splitCredit('Russia pounds Kharkiv region overnight - Ukrinform', '')?.outlet).toBe('Ukrinform');
  });

  it('GIVEN Korean, Ukrainian and Russian outlets THEN their names are read as credits too', () => {
    expect(splitCredit('북한, 동해상으로 탄도미사일 발사 - 연합뉴스', '')?.outlet).toBe('연합뉴스');
    expect(splitCredit('북 미사일 발사 - 조선일보', '')?.title).toBe('북 미사일 발사');
    expect(splitCredit('Зеленський підписав закон про мобілізацію - Українська правда', '')?.outlet).toBe('Українська правда');
  });

  it('GIVEN a last segment that is part of the headline THEN nothing is split', () => {
    expect(splitCredit('Ukraine war live: Russia strikes Kyiv - live updates', '')).toBeNull();
    expect(splitCredit('Korea - Japan summit', '')).toBeNull();
    expect(splitCredit('Zelensky - Times', '')).toBeNull();
    expect(splitCredit('Russia\'s war against Ukraine - Day 1,000', '')).toBeNull();
    expect(splitCredit('Kim Jong Un meets Putin in Vladivostok', '')).toBeNull();
    expect(splitCredit('Seoul - a city of 10 million - votes today', '')).toBeNull();
  });

  it('GIVEN Google News\'s description (the headline, then the outlet) THEN the outlet leaves the summary too; an outlet ending a sentence of the summary stays', () => {
    expect(splitCredit('Fed holds rates steady - Kyiv Post', 'Fed holds rates steady Kyiv Post')?.summary).toBe('Fed holds rates steady');
    expect(splitCredit('Fed holds rates steady - Kyiv Post', 'The Fed kept its rate.\u00a0\u00a0Kyiv Post')?.summary).toBe('The Fed kept its rate.');
    expect(splitCredit('Fed holds rates steady - Kyiv Post', 'The Fed kept its rate | Kyiv Post')?.summary).toBe('The Fed kept its rate');
    expect(splitCredit('Envoy speaks out - Kyiv Post', 'The envoy said so in an interview with the Kyiv Post')?.summary).toBe('The envoy said so in an interview with the Kyiv Post');
  });

  it('GIVEN an outlet whose name carries a tagline ("… - Kyiv Independent - Ukraine News") THEN both segments go, and the summary\'s repeat of either', () => {
    expect(splitCredit('Fed holds rates steady as inflation cools - Kyiv Independent - Ukraine News', 'Fed holds rates steady as inflation cools Kyiv Independent - Ukraine News')).toEqual({
      outlet: 'Kyiv Independent - Ukraine News',
      title: 'Fed holds rates steady as inflation cools',
      summary: 'Fed holds rates steady as inflation cools',
    });
    expect(splitCredit('Fed holds rates steady as inflation cools - Kyiv Independent - Ukraine News', 'The Fed kept its rate | Ukraine News')?.summary).toBe('The Fed kept its rate');
    // A headline's own dash before the credit stays: "Seoul - Pyongyang" is no outlet.
    expect(splitCredit('Apple and Samsung settle - patent fight ends - The Korea Herald', '')?.title).toBe('Apple and Samsung settle - patent fight ends');
  });

  it('GIVEN outlets named for the topics they cover, without a media word of the first list THEN they are credits too', () => {
    for (const name of ['Korea Tech Desk', 'Korea Exposé', 'News1 Korea', 'Newsis Korea', 'Pulse by Maeil Business News Korea', 'Euromaidan', 'KED Global', 'Militarnyi', 'The Diplomat', 'VOA', 'RFE/RL']) {
      expect(splitCredit(`Fed holds rates steady as inflation cools - ${name}`, '')?.outlet, name).toBe(name);
    }
    expect(looksLikeOutlet('by the sea')).toBe(false);
  });

  it('GIVEN the outlet the feed names (<source>) THEN exactly its credit is split, whatever its words; a headline not ending with it is left to the reading above', () => {
    expect(splitNamedCredit('Fed holds rates steady - 38 North', 'Fed holds rates steady\u00a0\u00a038 North', '38 North')).toEqual({ outlet: '38 North', title: 'Fed holds rates steady', summary: 'Fed holds rates steady' });
    expect(splitNamedCredit('Fed holds rates steady | amcham korea ', '', 'AmCham Korea')?.title).toBe('Fed holds rates steady');
    expect(splitNamedCredit('Fed holds rates steady', '', 'Reuters')).toBeNull();
    // The name must follow a spaced dash or bar: a headline that ends in the same words is the story's.
    expect(splitNamedCredit('Kim Jong Un praises 38 North', '', '38 North')).toBeNull();
    expect(splitNamedCredit('38 North', '', '38 North')).toBeNull();
  });

  it('GIVEN segments THEN an outlet is a short capitalised name with a media word, a known name or a domain', () => {
    for (const yes of ['BBC', 'The Kyiv Independent', 'Voice of America', 'Daily NK', 'Korea JoongAng Daily', 'KCNA Watch', 'Korea Pro', 'Euronews', 'RBC-Ukraine', 'NKNews.org']) expect(looksLikeOutlet(yes), yes).toBe(true);
    for (const no of ['live updates', 'Day 1,000', 'Japan summit', 'what we know', 'Kyiv', 'The Front Line of a War That Has No End In Sight', 'Analysis: the news']) expect(looksLikeOutlet(no), no).toBe(false);
  });
});
