import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadClassifier, MODEL_FORMAT_VERSION } from '../../src/app/classifier.js';
import { silentLogger } from '../../src/app/logger.js';
import type { Story } from '../../src/core/types.js';
import { createStore } from '../../src/store/index.js';
import { capturingLogger } from '../helpers/stories.js';
import { useTempDir } from '../helpers/temp-dir.js';

const tempDir = useTempDir('watchfloor-classifier-');
const RULES_DIR = join(import.meta.dirname, '../../rules');

/** Stories written for this test: a mix of topics, traps and off-topic news. */
const PROBES = [
  { title: 'Zelensky meets generals in Kharkiv', summary: 'The president discussed air defence.' },
  { title: 'North Korea fires missile, says Seoul', summary: "South Korea's military said it flew 600 km." },
  { title: 'Seoul court jails former minister', summary: 'The case followed the martial law crisis.' },
  { title: 'EU sanctions Russian banks', summary: 'The move targets funding for the war in Ukraine.' },
  { title: 'Chicken Kiev makes a comeback', summary: 'Supermarkets report strong sales.' },
  { title: 'Storm floods coastal towns', summary: 'Thousands were evacuated.' },
];

function copyRules(dir: string): string {
  const rules = join(dir, 'rules');
  cpSync(RULES_DIR, rules, { recursive: true });
  return rules;
}

describe('loadClassifier', () => {
  it('GIVEN no saved model THEN it trains, saves a versioned file, and a second load reads it back with the same verdicts', async () => {
    const dir = tempDir();
    const modelPath = join(dir, 'data', 'model.json');
    const first = await loadClassifier({ rulesDir: RULES_DIR, modelPath, log: silentLogger(), now: () => Date.UTC(2026, 0, 2), modelCache: null });
    expect(first.modelInfo.source).toBe('trained');
    const saved: unknown = JSON.parse(readFileSync(modelPath, 'utf8'));
    expect(saved).toMatchObject({ format: 'watchfloor-model', version: MODEL_FORMAT_VERSION, rulesHash: first.rules.hash, trainedAt: '2026-01-02T00:00:00.000Z' });

    const second = await loadClassifier({ rulesDir: RULES_DIR, modelPath, log: silentLogger() });
    expect(second.modelInfo.source).toBe('loaded');
    for (const probe of PROBES) expect(second.classify(probe)).toEqual(first.classify(probe));
    // Each topic's calibration is saved with it and read back.
    for (const topic of first.topics) {
      const calibration = first.model?.topics.get(topic.id)?.calibration;
      expect(calibration, topic.id).toMatchObject({ slope: expect.any(Number) as number, intercept: expect.any(Number) as number });
      expect(second.model?.topics.get(topic.id)?.calibration).toEqual(calibration);
    }
    expect(first.classify(PROBES[0]!).verdicts.find((v) => v.topic === 'ukraine')?.modelProbability).not.toBeNull();
  });

  it('GIVEN training twice from the same data THEN the saved models are identical apart from the time', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    await loadClassifier({ rulesDir: RULES_DIR, modelPath: a, log: silentLogger(), now: () => 1, modelCache: null });
    await loadClassifier({ rulesDir: RULES_DIR, modelPath: b, log: silentLogger(), now: () => 1, modelCache: null });
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  });

  it('GIVEN a model saved under other rules THEN it is retrained at load and overwritten', async () => {
    const dir = tempDir();
    const rulesDir = copyRules(dir);
    const modelPath = join(dir, 'model.json');
    const before = await loadClassifier({ rulesDir, modelPath, log: silentLogger() });
    const file = join(rulesDir, 'ukraine.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('threshold: 4', 'threshold: 5'));
    const after = await loadClassifier({ rulesDir, modelPath, log: silentLogger(), modelCache: null });
    expect(after.modelInfo.source).toBe('trained');
    const saved = JSON.parse(readFileSync(modelPath, 'utf8')) as { rulesHash: string };
    expect(saved.rulesHash).toBe(after.rules.hash);
    expect(saved.rulesHash).not.toBe(before.rules.hash);
  });

  it('GIVEN a model file from another format version or not JSON THEN it is retrained, not trusted', async () => {
    const dir = tempDir();
    const modelPath = join(dir, 'model.json');
    await loadClassifier({ rulesDir: RULES_DIR, modelPath, log: silentLogger() });
    const saved = JSON.parse(readFileSync(modelPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(modelPath, JSON.stringify({ ...saved, version: MODEL_FORMAT_VERSION + 1 }));
    expect((await loadClassifier({ rulesDir: RULES_DIR, modelPath, log: silentLogger(), modelCache: null })).modelInfo.source).toBe('trained');
    writeFileSync(modelPath, '{ not json');
    expect((await loadClassifier({ rulesDir: RULES_DIR, modelPath, log: silentLogger(), modelCache: null })).modelInfo.source).toBe('trained');
    expect(JSON.parse(readFileSync(modelPath, 'utf8'))).toMatchObject({ format: 'watchfloor-model', version: MODEL_FORMAT_VERSION });
  });

  it('GIVEN a model cache WHEN a second deployment of the same rules starts THEN it takes the cached model instead of training, with the same verdicts; other rules miss it', async () => {
    const dir = tempDir();
    const cache = join(dir, 'cache');
    const first = await loadClassifier({ rulesDir: RULES_DIR, modelPath: join(dir, 'a', 'model.json'), log: silentLogger(), modelCache: cache, retrain: true });
    expect(first.modelInfo.source).toBe('trained');
    expect(readdirSync(cache)).toHaveLength(1);
    const { log, lines } = capturingLogger();
    const second = await loadClassifier({ rulesDir: RULES_DIR, modelPath: join(dir, 'b', 'model.json'), log, modelCache: cache });
    expect(second.modelInfo.source).toBe('loaded');
    expect(lines().some((l) => l.msg === 'classifier model taken from the model cache')).toBe(true);
    expect(readFileSync(join(dir, 'b', 'model.json'), 'utf8')).toBe(readFileSync(join(dir, 'a', 'model.json'), 'utf8'));
    for (const probe of PROBES) expect(second.classify(probe)).toEqual(first.classify(probe));
    // Changed rules have another hash: the cache has nothing for them, and they train.
    const rulesDir = copyRules(dir);
    const file = join(rulesDir, 'ukraine.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('threshold: 4', 'threshold: 5'));
    const changed = await loadClassifier({ rulesDir, modelPath: join(dir, 'c', 'model.json'), log: silentLogger(), modelCache: cache });
    expect(changed.modelInfo.source).toBe('trained');
    expect(readdirSync(cache)).toHaveLength(2);
  });

  it('GIVEN a model cache that cannot be written THEN the trained model is still saved and used, with one warning naming both places', async () => {
    const dir = tempDir();
    const cache = join(dir, 'not-a-directory');
    writeFileSync(cache, 'a file where the cache directory should be');
    const { log, lines } = capturingLogger();
    const modelPath = join(dir, 'model.json');
    const classifier = await loadClassifier({ rulesDir: RULES_DIR, modelPath, log, modelCache: cache, retrain: true });
    expect(classifier.modelInfo.source).toBe('trained');
    expect(JSON.parse(readFileSync(modelPath, 'utf8'))).toMatchObject({ format: 'watchfloor-model' });
    const warnings = lines().filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toContain(`kept at ${modelPath} but not in the model cache`);
    expect(warnings[0]?.cache).toBe(cache);
  });

  it('GIVEN stored stories and an explicit retrain THEN weak labels are added from keyword-confident and zero-hit stories', async () => {
    const dir = tempDir();
    const store = createStore(join(dir, 'db.sqlite'));
    try {
      const texts = [
        { title: 'Ukraine says Kyiv and Kharkiv hit by drones', summary: 'Zelensky urged allies to send more air defence to Ukraine.' },
        { title: 'Local bakery wins bread award', summary: 'The judges praised its sourdough.' },
        { title: 'Weekend weather: sunshine and showers', summary: 'Temperatures will stay mild.' },
        { title: 'Russia sanctions story', summary: 'It names the war in Ukraine once.' },
      ];
      texts.forEach((t, i) => {
        const story: Story = {
          id: `s${i}`, feedId: 'f', guid: null, url: `https://example.test/${i}`, title: t.title, summary: t.summary, author: null,
          publishedAt: 1, publishedEstimated: false, firstSeenAt: 1, language: 'en', categories: [],
        };
        store.stories.insert(story, null);
      });
      const classifier = await loadClassifier({ rulesDir: RULES_DIR, modelPath: join(dir, 'model.json'), log: silentLogger(), store, retrain: true });
      // One confident Ukraine positive and two zero-hit negatives; the passing mention is left out.
      expect(classifier.modelInfo.weakExamples).toBe(3);
    } finally {
      store.close();
    }
  });

  it('GIVEN a broken rules file THEN loading throws the ConfigErrors the CLI turns into exit code 2', async () => {
    const dir = tempDir();
    const rulesDir = copyRules(dir);
    writeFileSync(join(rulesDir, 'ukraine.yaml'), readFileSync(join(rulesDir, 'ukraine.yaml'), 'utf8').replace('threshold: 4', 'threshold: four'));
    await expect(loadClassifier({ rulesDir, modelPath: join(dir, 'model.json'), log: silentLogger() })).rejects.toThrow(/ukraine\.yaml \(line \d+, threshold\): is required and must be a number/);
  });
});
