import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadClassifier } from '../../src/app/classifier.js';
import { silentLogger } from '../../src/app/logger.js';
import { loadRulesCached, rulesCachePathFor } from '../../src/config/rules-cache.js';
import { loadRules, loadTrainingExamples, parseExamples } from '../../src/config/rules.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * The cheap start (ADR 15): validated rules read back from their cache, the model from its JSON
 * weights, and the verdicts exactly those of freshly validated rules and a freshly trained model.
 */
const tempDir = useTempDir('watchfloor-startup-cache-');
const RULES_DIR = join(import.meta.dirname, '../../rules');
const EVAL_DIR = join(import.meta.dirname, '../fixtures/eval');

function copyRules(dir: string): string {
  const rules = join(dir, 'rules');
  cpSync(RULES_DIR, rules, { recursive: true });
  return rules;
}

/** A copy of the rules, cached, then ukraine.yaml's threshold set to `value`. */
async function thresholdEditedAfterCaching(value: string): Promise<{ rulesDir: string; cache: string }> {
  const dir = tempDir();
  const rulesDir = copyRules(dir);
  const cache = join(dir, 'rules-cache.json');
  await loadRulesCached(rulesDir, cache);
  const file = join(rulesDir, 'ukraine.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^threshold: .*$/m, `threshold: ${value}`));
  return { rulesDir, cache };
}

/** Every shipped training story and every eval fixture. */
function corpus(): { title: string; summary: string }[] {
  const stories = loadTrainingExamples(RULES_DIR).examples.map(({ title, summary }) => ({ title, summary }));
  for (const name of readdirSync(EVAL_DIR).filter((n) => n.endsWith('.jsonl'))) {
    const { examples, errors } = parseExamples(name, readFileSync(join(EVAL_DIR, name), 'utf8'));
    expect(errors).toEqual([]);
    stories.push(...examples.map(({ title, summary }) => ({ title, summary })));
  }
  return stories;
}

describe('rules cache', () => {
  it('GIVEN unchanged rules WHEN loaded again THEN the cache gives the RuleSet validation gives', async () => {
    const cache = join(tempDir(), 'rules-cache.json');
    const validated = loadRules(RULES_DIR);
    const first = await loadRulesCached(RULES_DIR, cache);
    const cached = await loadRulesCached(RULES_DIR, cache);
    expect(first).toEqual(validated);
    expect(cached).toEqual(validated);
    expect(cached.hash).toBe(validated.hash);
    expect(Object.isFrozen(cached.topics[0]?.patterns)).toBe(true);
  });

  it('GIVEN a cache written for these files THEN it is what is read (the YAML is not parsed again)', async () => {
    const cache = join(tempDir(), 'rules-cache.json');
    await loadRulesCached(RULES_DIR, cache);
    // A label changed in the cache only: seen only if the cache is read.
    writeFileSync(cache, readFileSync(cache, 'utf8').replace('"label":"Ukraine"', '"label":"Ukraine (from cache)"'));
    const rules = await loadRulesCached(RULES_DIR, cache);
    expect(rules.topics.find((t) => t.id === 'ukraine')?.label).toBe('Ukraine (from cache)');
  });

  it('GIVEN a rules file edited after the cache was written THEN the edit is read', async () => {
    const { rulesDir, cache } = await thresholdEditedAfterCaching('7.5');
    const rules = await loadRulesCached(rulesDir, cache);
    expect(rules.topics.find((t) => t.id === 'ukraine')?.threshold).toBe(7.5);
    expect(rules).toEqual(loadRules(rulesDir));
  });

  it('GIVEN a rules file broken after the cache was written THEN the same error as validation, naming the file and line', async () => {
    const { rulesDir, cache } = await thresholdEditedAfterCaching('high');
    const expected = (() => {
      try {
        loadRules(rulesDir);
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    })();
    expect(expected).toMatch(/ukraine\.yaml \(line \d+, threshold\)/);
    await expect(loadRulesCached(rulesDir, cache)).rejects.toThrow(expected);
  });
});

describe('cheap start of the classifier', () => {
  it('GIVEN a model trained now WHEN a later start reads rules from the cache and the model from its weights THEN every training and eval story gets the same verdict', async () => {
    const dir = tempDir();
    const modelPath = join(dir, 'model.json');
    const trained = await loadClassifier({ rulesDir: RULES_DIR, modelPath, log: silentLogger(), modelCache: null });
    const loaded = await loadClassifier({ rulesDir: RULES_DIR, modelPath, log: silentLogger() });
    expect(trained.modelInfo.source).toBe('trained');
    expect(loaded.modelInfo.source).toBe('loaded');
    expect(readFileSync(rulesCachePathFor(modelPath), 'utf8')).toContain('watchfloor-rules-cache');
    const stories = corpus();
    expect(stories.length).toBeGreaterThan(400);
    // One deep comparison per story without an expect() each (74,000 of those took most of the
    // test's minute); the first difference is then shown in full, and every differing headline listed.
    let matched = 0;
    const differing: string[] = [];
    let first: { readonly trained: unknown; readonly loaded: unknown } | undefined;
    for (const story of stories) {
      const a = trained.classify(story);
      const b = loaded.classify(story);
      if (!isDeepStrictEqual(a, b)) {
        differing.push(story.title);
        first ??= { trained: a, loaded: b };
      }
      if (a.matched.length > 0) matched++;
    }
    expect(first?.loaded).toEqual(first?.trained);
    expect(differing).toEqual([]);
    expect(matched).toBeGreaterThan(50); // the corpus exercises real verdicts, not only "no topic"
    // A training and two readings of every labelled story (74,000, growing with each evaluation
    // set): about 30 s alone, twice that beside the rest of the suite on two cores.
  }, 180_000);
});
