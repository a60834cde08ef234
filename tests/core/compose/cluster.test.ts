import { describe, expect, it } from 'vitest';
import { clusterStories, DUPLICATE_WINDOW_MS, jaccard, shingles } from '../../../src/core/compose/cluster.js';

const T0 = Date.UTC(2026, 10, 22, 6);
const item = (key: string, title: string, score = 5, publishedAt = T0, url: string | null = `https://${key}.example/a`) => ({ key, title, score, publishedAt, url });

describe('near-duplicate clustering', () => {
  it('GIVEN the same event from three outlets THEN they form one cluster led by the best-scoring story', () => {
    const clusters = clusterStories([
      item('ap', 'Russian missiles strike Kyiv\'s power grid overnight', 6),
      item('reuters', 'Russia strikes Kyiv power grid overnight', 8),
      item('bbc', 'Russia strikes Kyiv power grid overnight, officials say', 5, T0 + 3_600_000),
      item('yonhap', 'North Korea fires ballistic missile into East Sea', 7),
    ]);
    expect(clusters).toHaveLength(2);
    const kyiv = clusters.find((c) => c.representative.key === 'reuters');
    expect(kyiv?.others.map((o) => o.key).sort()).toEqual(['ap', 'bbc']);
  });

  it('GIVEN Korean headlines of one event without shared spacing THEN character shingles still match them', () => {
    expect(jaccard(shingles('북한, 동해상으로 탄도미사일 발사'), shingles('북한 동해상 탄도미사일 발사…합참'))).toBeGreaterThanOrEqual(0.5);
  });

  it('GIVEN one story from an aggregator under two outlets\' credits THEN one cluster; two stories under one outlet\'s credit stay apart', () => {
    const clusters = clusterStories([
      item('gn1', 'Zelensky meets Macron - Reuters', 6),
      item('gn2', 'Zelensky meets Macron - Korea JoongAng Daily', 5),
      item('gn3', 'Russian drones hit Odesa port overnight - The Kyiv Independent', 5),
    ]);
    expect(clusters.map((c) => [c.representative.key, ...c.others.map((o) => o.key)])).toEqual([['gn1', 'gn2'], ['gn3']]);
  });

  it('GIVEN unrelated stories THEN nothing is merged', () => {
    const clusters = clusterStories([
      item('a', 'South Korea parliament passes budget'),
      item('b', 'North Korea fires ballistic missile into East Sea, Seoul says'),
      item('c', 'Zelensky meets European leaders in Brussels'),
    ]);
    expect(clusters).toHaveLength(3);
  });

  it('GIVEN look-alike headlines further apart than the window THEN they stay apart', () => {
    const clusters = clusterStories([item('mon', 'Seoul stocks close higher'), item('tue', 'Seoul stocks close higher', 5, T0 + DUPLICATE_WINDOW_MS + 1)]);
    expect(clusters).toHaveLength(2);
  });

  it('GIVEN A~B and B~C but not A~C THEN C is not chained into A’s cluster', () => {
    const a = item('a', 'alpha beta gamma delta', 9);
    const b = item('b', 'alpha beta gamma delta epsilon zeta', 8);
    const c = item('c', 'gamma delta epsilon zeta eta theta', 7);
    expect(jaccard(shingles(a.title), shingles(c.title))).toBeLessThan(0.5);
    const clusters = clusterStories([a, b, c]);
    expect(clusters.find((x) => x.representative.key === 'a')?.others.map((o) => o.key) ?? []).not.toContain('c');
  });

  it('GIVEN the same URL with different titles THEN they are one cluster', () => {
    const clusters = clusterStories([item('x', 'Headline one', 5, T0, 'https://same.example/1'), item('y', 'Completely different words', 4, T0, 'https://same.example/1')]);
    expect(clusters).toHaveLength(1);
  });
});
