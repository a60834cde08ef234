import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadClassifier, MODEL_FORMAT_VERSION, parseModelFile } from '../../src/app/classifier.js';
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
  it('GIVEN no saved model THEN it trains and saves a versioned file, training again from the same data writes the same bytes, and a load reads it back with the same verdicts', async () => {
    const dir = tempDir();
    const modelPath = join(dir, 'data', 'model.json');
    const first = await loadClassifier({ rulesDir: RULES_DIR, modelPath, log: silentLogger(), now: () => Date.UTC(2026, 0, 2), modelCache: null });
    expect(first.modelInfo.source).toBe('trained');
    const saved: unknown = JSON.parse(readFileSync(modelPath, 'utf8'));
    expect(saved).toMatchObject({ format: 'watchfloor-model', version: MODEL_FORMAT_VERSION, rulesHash: first.rules.hash, trainedAt: '2026-01-02T00:00:00.000Z' });
    // Training is deterministic: the same rules and examples give the same file, byte for byte.
    const again = join(dir, 'again.json');
    await loadClassifier({ rulesDir: RULES_DIR, modelPath: again, log: silentLogger(), now: () => Date.UTC(2026, 0, 2), modelCache: null });
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(modelPath, 'utf8'));

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

  it('GIVEN a saved model file that is not JSON, not a model, of another format version, or trained on other rules or examples THEN it is refused with its reason', async () => {
    const dir = tempDir();
    const modelPath = join(dir, 'model.json');
    // Taken from the run's model cache (the global setup's): no training needed to have a valid file.
    const classifier = await loadClassifier({ rulesDir: RULES_DIR, modelPath, log: silentLogger() });
    const text = readFileSync(modelPath, 'utf8');
    const saved = JSON.parse(text) as Record<string, unknown>;
    const expected = { rulesHash: String(saved.rulesHash), trainingHash: String(saved.trainingHash) };
    expect(saved.rulesHash).toBe(classifier.rules.hash);
    expect(parseModelFile(text, expected)).toHaveProperty('model');
    expect(parseModelFile('{ not json', expected)).toMatchObject({ problem: expect.stringMatching(/^not JSON \(/) as string });
    expect(parseModelFile(JSON.stringify({ format: 'something-else' }), expected)).toEqual({ problem: 'not a watchfloor model file' });
    expect(parseModelFile(JSON.stringify({ ...saved, version: MODEL_FORMAT_VERSION + 1 }), expected)).toEqual({ problem: `format version ${MODEL_FORMAT_VERSION + 1}, this build uses ${MODEL_FORMAT_VERSION}` });
    expect(parseModelFile(text, { ...expected, rulesHash: 'other' })).toEqual({ problem: 'trained under different rules' });
    expect(parseModelFile(text, { ...expected, trainingHash: 'other' })).toEqual({ problem: 'trained on different training data' });
  });

  it('GIVEN a saved model it cannot use THEN it warns with the reason, retrains, and overwrites the file', async () => {
    const dir = tempDir();
    const modelPath = join(dir, 'model.json');
    await loadClassifier({ rulesDir: RULES_DIR, modelPath, log: silentLogger() });
    const saved = JSON.parse(readFileSync(modelPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(modelPath, JSON.stringify({ ...saved, version: MODEL_FORMAT_VERSION + 1 }));
    const { log, lines } = capturingLogger();
    expect((await loadClassifier({ rulesDir: RULES_DIR, modelPath, log, modelCache: null })).modelInfo.source).toBe('trained');
    expect(lines().find((l) => l.msg === 'saved classifier model is unusable; retraining')).toMatchObject({ model: modelPath, problem: expect.stringContaining('format version') as string });
    expect(JSON.parse(readFileSync(modelPath, 'utf8'))).toMatchObject({ format: 'watchfloor-model', version: MODEL_FORMAT_VERSION });
  });

  it('GIVEN a model cache WHEN the rules change THEN the old model is not used: it retrains, overwrites the file and adds to the cache, and a second deployment of the new rules takes it with the same verdicts', async () => {
    const dir = tempDir();
    const cache = join(dir, 'cache');
    const rulesDir = copyRules(dir);
    const modelPath = join(dir, 'a', 'model.json');
    const before = await loadClassifier({ rulesDir, modelPath, log: silentLogger(), modelCache: cache, retrain: true });
    expect(before.modelInfo.source).toBe('trained');
    expect(readdirSync(cache)).toHaveLength(1);

    // Changed rules have another hash: neither the saved file nor the cache has a model for them.
    const file = join(rulesDir, 'ukraine.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('threshold: 4', 'threshold: 5'));
    const after = await loadClassifier({ rulesDir, modelPath, log: silentLogger(), modelCache: cache });
    expect(after.modelInfo.source).toBe('trained');
    const saved = JSON.parse(readFileSync(modelPath, 'utf8')) as { rulesHash: string };
    expect(saved.rulesHash).toBe(after.rules.hash);
    expect(saved.rulesHash).not.toBe(before.rules.hash);
    expect(readdirSync(cache)).toHaveLength(2);

    const { log, lines } = capturingLogger();
    const second = await loadClassifier({ rulesDir, modelPath: join(dir, 'b', 'model.json'), log, modelCache: cache });
    expect(second.modelInfo.source).toBe('loaded');
    expect(lines().some((l) => l.msg === 'classifier model taken from the model cache')).toBe(true);
    expect(readFileSync(join(dir, 'b', 'model.json'), 'utf8')).toBe(readFileSync(modelPath, 'utf8'));
    for (const probe of PROBES) expect(second.classify(probe)).toEqual(after.classify(probe));
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
