import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir();

describe('watchfloor trend --tz', () => {
  it('GIVEN --tz Asia/Seoul THEN the chart is drawn in Seoul days and --json says so; an unknown zone exits 2 naming the flag', async () => {
    const dir = tempDir();
    const db = join(dir, 'w.db');
    createStore(db).close();
    const ok = await runCli(['trend', '--out', join(dir, 'chart.png'), '--days', '7', '--tz', 'Asia/Seoul', '--json'], { WATCHFLOOR_DB: db });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ timeZone: 'Asia/Seoul', unit: 'day', days: 7 });
    const bad = await runCli(['trend', '--out', join(dir, 'other.png'), '--tz', 'Seoul'], { WATCHFLOOR_DB: db });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--tz');
    expect(bad.stderr).toContain('"Seoul" is not an IANA time zone name; fix: e.g. --tz Asia/Seoul');
  });
});
