import { describe, expect, it } from 'vitest';
import { isDeveloping } from '../../../src/core/events/developing.js';
import { EVENT_WINDOW_MS, EventIndex, sameEvent } from '../../../src/core/events/match.js';
import { signatureOf } from '../../../src/core/events/signature.js';

const HOUR = 3_600_000;
const same = (a: string, b: string) => sameEvent(signatureOf(a), signatureOf(b));

describe('one event across outlets, wording and languages', () => {
  it('GIVEN an aggregator\'s outlet credit ("- Kyiv Post") THEN the signature leaves it out: it names who wrote the story', () => {
    expect(signatureOf('Parliament passes new tax law after long debate - Kyiv Post')).toEqual(signatureOf('Parliament passes new tax law after long debate'));
    expect([...signatureOf('Parliament passes new tax law after long debate - Kyiv Post').keys]).not.toContain('e:kyiv');
  });

  it.each([
    ['North Korea fires ballistic missile into East Sea, Seoul says', 'North Korea launches ballistic missile toward East Sea: JCS'],
    ['Russia strikes Kyiv power grid overnight', 'Russian missiles hit Kyiv energy infrastructure overnight, blackouts reported'],
    ['Kim Jong Un oversees test of new ICBM', 'North Korean leader Kim Jong Un watches ICBM launch'],
    ['Zelensky meets NATO chief in Kyiv', 'NATO secretary general visits Kyiv for talks with Zelenskyy'],
  ])('GIVEN two outlets WHEN "%s" / "%s" THEN one event', (a, b) => {
    expect(same(a, b)).toBe(true);
  });

  it.each([
    ['North Korea fires ballistic missile into East Sea', '북한, 동해상으로 탄도미사일 발사'],
    ['Russia launches drone attack on Kharkiv', 'Росія атакувала Харків дронами: удар по місту'],
    ['Kim Jong Un watches missile launch', '김정은, 미사일 발사 참관'],
    ['Russia Strikes Kyiv Power Grid Overnight', 'Russian missiles hit Kyiv energy infrastructure overnight'],
  ])('GIVEN two languages WHEN "%s" / "%s" THEN one event', (a, b) => {
    expect(same(a, b)).toBe(true);
  });

  it.each([
    ['North Korea fires ballistic missile into East Sea', 'North Korea holds party congress in Pyongyang'],
    ['Russia strikes Kyiv power grid overnight', 'Kyiv marathon draws record crowd'],
    ['Seoul stocks close higher on chip rally', 'Seoul mayor unveils housing plan'],
    ['Zelensky visits Odesa port', 'Putin hosts Chinese delegation in Moscow'],
    ['North Korea fires ballistic missile into East Sea', '북한, 평양서 노동당 전원회의 개최'],
    ['Russian drone attack on Odesa overnight', 'Russian drone attack on Kharkiv injures three'],
  ])('GIVEN shared words WHEN "%s" / "%s" THEN two events', (a, b) => {
    expect(same(a, b)).toBe(false);
  });

  it('GIVEN an unknown capitalised name in both headlines THEN it is a shared entity', () => {
    expect([...signatureOf('Ukrainian troops withdraw from Avdiivka outskirts').keys]).toContain('n:avdiivka');
    expect(same('Ukrainian troops withdraw from Avdiivka outskirts', 'Avdiivka: Ukraine pulls troops back as Russia advances')).toBe(true);
  });
});

describe('the event index', () => {
  it('GIVEN reports of two events WHEN matched in turn THEN each joins its own event and only within the window', () => {
    const index = new EventIndex();
    const t0 = Date.UTC(2026, 0, 1, 6);
    index.add({ id: 1, startedAt: t0, signature: signatureOf('North Korea fires ballistic missile into East Sea') });
    index.add({ id: 2, startedAt: t0, signature: signatureOf('Russia strikes Kyiv power grid overnight') });
    expect(index.find(signatureOf('북한, 동해상으로 탄도미사일 발사'), t0 + HOUR)).toBe(1);
    expect(index.find(signatureOf('Russian missiles hit Kyiv energy infrastructure overnight'), t0 + HOUR)).toBe(2);
    expect(index.find(signatureOf('Seoul mayor unveils housing plan'), t0 + HOUR)).toBeNull();
    expect(index.find(signatureOf('North Korea fires ballistic missile into East Sea'), t0 + EVENT_WINDOW_MS + HOUR)).toBeNull();
    index.prune(t0 + EVENT_WINDOW_MS + HOUR);
    expect(index.size).toBe(0);
  });

  it('GIVEN thousands of events sharing a common place WHEN a new report of an old-enough-but-recent event arrives THEN it is still found among the most recent carriers of the term', () => {
    const index = new EventIndex();
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 5_000; i++) index.add({ id: i + 1, startedAt: t0 + i * 1_000, signature: signatureOf(`Kyiv council debates budget item ${i} zoning${i}`) });
    index.add({ id: 9_999, startedAt: t0 + 5_001_000, signature: signatureOf('Explosion rocks Kyiv railway station, Zelensky says') });
    expect(index.find(signatureOf('Zelensky: blast at Kyiv railway station kills two'), t0 + 5_100_000)).toBe(9_999);
  });
});

describe('developing detection', () => {
  it('GIVEN 4 sources within 30 minutes THEN developing; spread over hours THEN not', () => {
    const t = Date.UTC(2026, 0, 1);
    const fast = ['a', 'b', 'c', 'd'].map((feedId, i) => ({ feedId, at: t + i * 5 * 60_000 }));
    expect(isDeveloping(fast, 4, 30 * 60_000)).toBe(true);
    const slow = ['a', 'b', 'c', 'd'].map((feedId, i) => ({ feedId, at: t + i * 40 * 60_000 }));
    expect(isDeveloping(slow, 4, 30 * 60_000)).toBe(false);
    const repeated = ['a', 'a', 'b', 'b', 'c'].map((feedId, i) => ({ feedId, at: t + i * 60_000 }));
    expect(isDeveloping(repeated, 4, 30 * 60_000)).toBe(false);
  });
});
