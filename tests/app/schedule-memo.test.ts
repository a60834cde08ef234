import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dueDigestUntil } from '../../src/app/delivery.js';
import { openNextFireMemo, scheduleMemoPathFor } from '../../src/app/schedule-memo.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();
const HOUR = 3_600_000;
/** 2026-03-02 06:00 UTC; the 08:00 UTC schedule next fires two hours later. */
const SINCE = Date.UTC(2026, 2, 2, 6, 0, 0);
const EIGHT = Date.UTC(2026, 2, 2, 8, 0, 0);

function counting(value: number): { compute: () => number; calls: () => number } {
  let calls = 0;
  return { compute: () => { calls++; return value; }, calls: () => calls };
}

describe('the next-fire memo', () => {
  it('GIVEN a first fire time saved by one process WHEN another opens the file THEN it is answered without computing', () => {
    const path = scheduleMemoPathFor(join(tempDir(), 'model.json'));
    const a = openNextFireMemo(path);
    const first = counting(EIGHT);
    expect(a.nextAfter('0 8 * * *', 'UTC', SINCE, first.compute)).toBe(EIGHT);
    expect(a.nextAfter('0 8 * * *', 'UTC', SINCE, first.compute)).toBe(EIGHT);
    expect(first.calls()).toBe(1);
    a.save();
    const b = openNextFireMemo(path);
    const second = counting(0);
    expect(b.nextAfter('0 8 * * *', 'UTC', SINCE, second.compute)).toBe(EIGHT);
    expect(second.calls()).toBe(0);
    // Another schedule, zone or start instant is another question.
    expect(b.nextAfter('0 8 * * *', 'Asia/Seoul', SINCE, second.compute)).toBe(0);
    expect(b.nextAfter('0 9 * * *', 'UTC', SINCE, second.compute)).toBe(0);
    expect(b.nextAfter('0 8 * * *', 'UTC', SINCE + 1, second.compute)).toBe(0);
    expect(second.calls()).toBe(3);
  });

  it('GIVEN a save THEN the file keeps only what that pass asked about', () => {
    const path = join(tempDir(), 'schedule-cache.json');
    const memo = openNextFireMemo(path);
    memo.nextAfter('0 8 * * *', 'UTC', SINCE, () => EIGHT);
    memo.save();
    // The digest went out: the next pass asks from the new start only.
    memo.nextAfter('0 8 * * *', 'UTC', EIGHT, () => EIGHT + 24 * HOUR);
    memo.save();
    const entries = (JSON.parse(readFileSync(path, 'utf8')) as { entries: Record<string, number> }).entries;
    expect(Object.values(entries)).toEqual([EIGHT + 24 * HOUR]);
  });

  it('GIVEN an unreadable file, another format or another time-zone database THEN it is ignored and computed again', () => {
    for (const content of ['{not json', JSON.stringify({ format: 99, tz: process.versions.tz ?? '', entries: {} }), JSON.stringify({ format: 1, tz: 'not-this-one', entries: { ['0 8 * * *\u0000UTC\u0000' + String(SINCE)]: 1 } })]) {
      const path = join(tempDir(), 'schedule-cache.json');
      writeFileSync(path, content);
      const fresh = counting(EIGHT);
      expect(openNextFireMemo(path).nextAfter('0 8 * * *', 'UTC', SINCE, fresh.compute)).toBe(EIGHT);
      expect(fresh.calls()).toBe(1);
    }
  });

  it('GIVEN a folder that cannot be written THEN saving does not throw', () => {
    const memo = openNextFireMemo(join(tempDir(), 'missing-folder', 'schedule-cache.json'));
    memo.nextAfter('0 8 * * *', 'UTC', SINCE, () => EIGHT);
    expect(() => { memo.save(); }).not.toThrow();
  });
});

describe('dueDigestUntil with a memo', () => {
  it('GIVEN the same inputs THEN the answer is the same with and without the memo, before, at and after the fire', () => {
    const memo = openNextFireMemo(null);
    for (const now of [EIGHT - 1, EIGHT, EIGHT + 5 * HOUR, EIGHT + 30 * HOUR]) {
      expect(dueDigestUntil('0 8 * * *', 'UTC', SINCE, now, memo)).toBe(dueDigestUntil('0 8 * * *', 'UTC', SINCE, now));
    }
    expect(dueDigestUntil('0 8 * * *', 'UTC', SINCE, EIGHT - 1, memo)).toBeNull();
    expect(dueDigestUntil('0 8 * * *', 'UTC', SINCE, EIGHT + 30 * HOUR, memo)).toBe(EIGHT + 24 * HOUR);
  });

  it('GIVEN a remembered first fire still in the future THEN "not due" is the memo\'s answer', () => {
    const memo = openNextFireMemo(null);
    const now = EIGHT + 30 * HOUR;
    expect(dueDigestUntil('0 8 * * *', 'UTC', SINCE, now)).not.toBeNull(); // computed: due
    // A memo that remembers a later first fire (as if the schedule were weekly) is believed.
    memo.nextAfter('0 8 * * *', 'UTC', SINCE, () => EIGHT + 48 * HOUR);
    expect(dueDigestUntil('0 8 * * *', 'UTC', SINCE, now, memo)).toBeNull();
  });
});
