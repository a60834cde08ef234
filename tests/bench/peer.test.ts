import { describe, expect, it } from 'vitest';
import { installPlan, medianCost, newsboatArgs, newsboatConfig, newsboatUrls, parseTimeOutput, peerRows, PEER_TARGETS, TIME_FORMAT, type PeerFigures } from '../../bench/peer.js';

// The peer section of the benchmark (bench/sections/peer.ts) runs newsboat beside Watchfloor;
// these check its set-up, the files it writes for newsboat, the parsing of the measurements and
// the verdicts against the targets, without running either program.

const cost = (wallMs: number, cpuMs: number, peakRssMb: number) => ({ wallMs, cpuMs, peakRssMb });

function figures(overrides: Partial<PeerFigures> = {}): PeerFigures {
  return {
    feeds: 1000,
    first: { watchfloor: cost(10_000, 9_000, 140), newsboat: cost(30_000, 20_000, 80) },
    steady: { watchfloor: cost(2_000, 1_500, 120), newsboat: cost(50_000, 30_000, 80) },
    single: { watchfloor: cost(350, 300, 75), newsboat: cost(90, 40, 19), runs: 5 },
    nodeAlone: cost(40, 30, 38),
    stored: { watchfloor: 44_000, newsboat: 44_900 },
    ...overrides,
  };
}

describe('newsboat set-up', () => {
  it('GIVEN newsboat and time present THEN nothing is installed', () => {
    expect(installPlan({ missing: [], hasAptGet: false, isRoot: false, hasSudo: false })).toEqual({ kind: 'present' });
  });

  it('GIVEN newsboat missing THEN root installs it with apt-get, another user through sudo -n', () => {
    expect(installPlan({ missing: ['newsboat'], hasAptGet: true, isRoot: true, hasSudo: false })).toEqual({ kind: 'install', command: ['apt-get', 'install', '-y', '--no-install-recommends', 'newsboat'] });
    expect(installPlan({ missing: ['newsboat', 'time'], hasAptGet: true, isRoot: false, hasSudo: true })).toEqual({
      kind: 'install',
      command: ['sudo', '-n', 'apt-get', 'install', '-y', '--no-install-recommends', 'newsboat', 'time'],
    });
  });

  it('GIVEN newsboat missing and no way to install it THEN the section is skipped with a note saying how', () => {
    const noRights = installPlan({ missing: ['newsboat'], hasAptGet: true, isRoot: false, hasSudo: false });
    expect(noRights.kind).toBe('skip');
    expect(noRights.kind === 'skip' && noRights.reason).toMatch(/sudo apt-get install newsboat/);
    const noApt = installPlan({ missing: ['newsboat'], hasAptGet: false, isRoot: true, hasSudo: false });
    expect(noApt.kind === 'skip' && noApt.reason).toMatch(/no apt-get/);
  });

  it('GIVEN feed URLs THEN the urls file lists one per line, and anything else is refused', () => {
    expect(newsboatUrls(['http://127.0.0.1:8080/feeds/a.xml', 'http://127.0.0.2:8080/feeds/b.xml'])).toBe('http://127.0.0.1:8080/feeds/a.xml\nhttp://127.0.0.2:8080/feeds/b.xml\n');
    expect(() => newsboatUrls(['http://127.0.0.1/a.xml "tag"'])).toThrow(/not a feed URL/);
    expect(() => newsboatUrls(['file:///etc/passwd'])).toThrow(/not a feed URL/);
  });

  it('GIVEN the thread count THEN the config sets reload-threads and nothing else', () => {
    const config = newsboatConfig({ threads: 16 });
    expect(config.split('\n').filter((line) => line !== '' && !line.startsWith('#'))).toEqual(['reload-threads 16']);
    expect(() => newsboatConfig({ threads: 0 })).toThrow(/reload-threads/);
  });

  it('GIVEN the files THEN a quiet reload of exactly those files', () => {
    expect(newsboatArgs({ urls: 'u', cache: 'c.db', config: 'conf' })).toEqual(['-q', '-u', 'u', '-c', 'c.db', '-C', 'conf', '-x', 'reload']);
  });
});

describe('measurements', () => {
  it('GIVEN what /usr/bin/time wrote THEN wall, CPU (user + system) and peak RSS', () => {
    expect(TIME_FORMAT).toBe('wf-time %e %U %S %M');
    const parsed = parseTimeOutput('Command exited with non-zero status 0\nwf-time 12.51 7.20 1.30 83456\n');
    expect(parsed.wallMs).toBeCloseTo(12_510);
    expect(parsed.cpuMs).toBeCloseTo(8_500);
    expect(parsed.peakRssMb).toBeCloseTo(81.5);
    expect(() => parseTimeOutput('time: cannot run newsboat: No such file or directory\n')).toThrow(/no measurement/);
  });

  it('GIVEN repeated runs THEN the median of each figure', () => {
    expect(medianCost([cost(300, 10, 70), cost(100, 30, 90), cost(200, 20, 80)])).toEqual(cost(200, 20, 80));
    expect(medianCost([cost(100, 10, 70), cost(300, 30, 90)])).toEqual(cost(200, 20, 80));
    expect(() => medianCost([])).toThrow();
  });
});

describe('rows', () => {
  it('GIVEN figures within the targets THEN every row is met, with the ratios', () => {
    const rows = peerRows(figures());
    expect(rows.map((r) => r.status)).toEqual(['met', 'met', 'met', 'met']);
    expect(rows[0]?.figure).toContain('3.0× faster'); // 30 s / 10 s
    expect(rows[0]?.figure).toContain('peak RSS 1.8×'); // 140 / 80
    expect(rows[1]?.figure).toContain('25.0× faster');
    expect(rows[2]?.target).toBe(`≤ ${PEER_TARGETS.onceMaxWallMs} ms`);
  });

  it('GIVEN targets missed THEN the row says by how much, with what Node alone costs', () => {
    const rows = peerRows(figures({
      first: { watchfloor: cost(20_000, 9_000, 140), newsboat: cost(30_000, 20_000, 80) },
      single: { watchfloor: cost(900, 800, 120), newsboat: cost(90, 40, 19), runs: 5 },
    }));
    expect(rows[0]?.status).toBe('missed');
    expect(rows[0]?.figure).toContain('missed by 1.67×'); // wanted 2.5×, got 1.5×
    expect(rows[2]?.status).toBe('missed');
    expect(rows[2]?.figure).toMatch(/over by 500 ms, of which Node's own start is 40 ms/);
    expect(rows[3]?.status).toBe('missed');
    expect(rows[3]?.figure).toMatch(/over by 40 MB, of which Node alone \(`node -e 0`\) is 38 MB/);
  });

  it('GIVEN the start alone measured (once, no feed due) THEN a missed one-feed row says what the feed itself cost', () => {
    const rows = peerRows(figures({
      single: { watchfloor: cost(900, 800, 120), newsboat: cost(90, 40, 19), runs: 5 },
      startOnly: cost(750, 650, 110),
    }));
    expect(rows[2]?.figure).toMatch(/no feed due .* takes 750 ms \(CPU 650 ms\), so the feed itself costs 150 ms/);
    expect(rows[3]?.figure).toMatch(/Node alone \(`node -e 0`\) is 38 MB and `once` with no feed due peaks at 110 MB/);
  });

  it('GIVEN the first cycle missed on a known machine THEN the row says how many cores the CPU it used would need within the target', () => {
    const first = { watchfloor: cost(20_000, 24_000, 120), newsboat: cost(30_000, 31_000, 84) };
    const rows = peerRows(figures({ first, machine: { cores: 2, defaultThreads: 0 }, stored: { watchfloor: 40_000, newsboat: 31_000 } }));
    expect(rows[0]?.status).toBe('missed');
    // 2.5× newsboat's 30 s is 12 s; 24 s of CPU in 12 s is two cores busy throughout.
    expect(rows[0]?.figure).toMatch(/2\.5× means ≤ 12\.00 s, and the cycle used 24\.00 s of CPU \(600 µs per stored story; newsboat 1,000 µs per item\): 2\.0 cores busy for the whole cycle, where the default keeps at most 1 busy \(no parser thread on 2 cores, shared with the feed server\)/);
    const threaded = peerRows(figures({ first, machine: { cores: 4, defaultThreads: 1 } }));
    expect(threaded[0]?.figure).toMatch(/at most 2 busy \(one parser thread on 4 cores/);
    const met = peerRows(figures({ machine: { cores: 2, defaultThreads: 0 } }));
    expect(met[0]?.figure).not.toContain('cores busy');
  });

  it('GIVEN the first cycle missed and measured again with the other thread setting THEN the row says what the default buys and costs', () => {
    const first = { watchfloor: cost(20_000, 22_000, 120), newsboat: cost(30_000, 31_000, 84) };
    const without = peerRows(figures({ first }));
    expect(without[0]?.figure).not.toContain('PARSE_THREADS');
    // The default has no thread (one core): measured again with one.
    const threaded = peerRows(figures({ first, firstAlternative: { threads: 1, cost: cost(15_000, 23_000, 196) } }));
    expect(threaded[0]?.status).toBe('missed');
    expect(threaded[0]?.figure).toMatch(/with one parser thread \(PARSE_THREADS=1\) the same cycle takes 15\.00 s \(CPU 23\.00 s\) → 2\.0× faster than newsboat, peaking at 196 MB against 120 MB without;/);
    // The default has one (two cores or more): measured again without.
    const lean = peerRows(figures({ first, firstAlternative: { threads: 0, cost: cost(24_000, 21_000, 105) } }));
    expect(lean[0]?.figure).toMatch(/without a parser thread \(PARSE_THREADS=0\) the same cycle takes 24\.00 s \(CPU 21\.00 s\) → 1\.3× faster than newsboat, peaking at 105 MB against 120 MB with the default parser thread;/);
    // A met first cycle needs no explanation.
    const met = peerRows(figures({ firstAlternative: { threads: 1, cost: cost(8_000, 9_000, 190) } }));
    expect(met[0]?.figure).not.toContain('PARSE_THREADS');
  });
});
