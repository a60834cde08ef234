import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { RuleSet, TopicRule } from '../core/classify/rules.js';
import { writeFileAtomically } from './atomic-file.js';

/**
 * The cheap way to start (ADR 15): reading `rules/*.yaml` with full validation costs ~0.5–0.8 s
 * of CPU and ~10 MB (the YAML parser and the schemas) on every start of every command, more
 * than the rest of a one-feed `once`. The validated RuleSet is plain data, so it is saved as
 * JSON beside the model, keyed by the exact bytes of the topic files and of the code that
 * validates them; a start whose files are unchanged reads that JSON and never loads the YAML
 * parser. Any change (a file edited, added, removed or renamed, another version of the
 * validator) misses the cache, and the files are read and validated as before, with the same
 * errors. The cache is only ever a copy of what validation produced.
 */

/** Bumped when the cached shape changes. */
export const RULES_CACHE_FORMAT = 1;

interface TopicFile {
  readonly name: string;
  readonly text: string;
}

/** The topic files of a rules directory in name order, or null when it cannot be read (validation then reports why). */
function topicFiles(dir: string): TopicFile[] | null {
  try {
    const names = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort();
    return names.length === 0 ? null : names.map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
  } catch {
    return null;
  }
}

/**
 * Defined by the bundler (scripts/build.ts) as {@link validatorFingerprint} of the sources it
 * bundled: a bundle has no separate module files to read.
 */
declare const WATCHFLOOR_VALIDATOR_FINGERPRINT: string | undefined;

/**
 * The source of the modules whose code decides what a rules file means (the validator and the
 * rule types with their defaults), as compiled (`.js`) or run from source (`.ts`), or as given
 * to a bundle when it was built: a new version of either misses the cache.
 */
export function validatorFingerprint(): string {
  if (typeof WATCHFLOOR_VALIDATOR_FINGERPRINT === 'string') return WATCHFLOOR_VALIDATOR_FINGERPRINT;
  const hash = createHash('sha256');
  for (const base of ['./rules', '../core/classify/rules', '../core/classify/matcher']) {
    for (const ext of ['.js', '.ts']) {
      try {
        hash.update(readFileSync(new URL(`${base}${ext}`, import.meta.url)));
        break;
      } catch {
        // the other extension
      }
    }
  }
  return hash.digest('hex');
}

function cacheKey(files: readonly TopicFile[]): string {
  const hash = createHash('sha256').update(`watchfloor-rules-cache ${RULES_CACHE_FORMAT}\0${validatorFingerprint()}\0`);
  for (const f of files) hash.update(f.name).update('\0').update(f.text).update('\0');
  return hash.digest('hex').slice(0, 32);
}

interface CacheFile {
  readonly format: 'watchfloor-rules-cache';
  readonly key: string;
  readonly hash: string;
  /** Each topic with `file` as its name in the rules directory (the shown path depends on the working directory). */
  readonly topics: readonly (Omit<TopicRule, 'file'> & { readonly fileName: string })[];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function isCurrentCache(value: unknown, key: string): value is CacheFile {
  const file = value as Partial<CacheFile> | null;
  return typeof file === 'object' && file !== null && file.format === 'watchfloor-rules-cache' && file.key === key && typeof file.hash === 'string' && Array.isArray(file.topics);
}

function readCache(path: string, key: string, dir: string): RuleSet | null {
  let file: unknown;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null; // missing or damaged: validate the files
  }
  if (!isCurrentCache(file, key)) return null;
  const topics: TopicRule[] = file.topics.map(({ fileName, ...topic }) => {
    const path = join(dir, fileName);
    return { ...topic, file: relative(process.cwd(), path) || path };
  });
  return deepFreeze({ topics, hash: file.hash });
}

function writeCache(path: string, key: string, rules: RuleSet, files: readonly TopicFile[]): void {
  const names = new Map(files.map((f) => [f.name.replace(/\.ya?ml$/, ''), f.name]));
  const topics = rules.topics.map(({ file, ...topic }) => ({ ...topic, fileName: names.get(topic.id) ?? file }));
  const cache: CacheFile = { format: 'watchfloor-rules-cache', key, hash: rules.hash, topics };
  try {
    writeFileAtomically(path, `${JSON.stringify(cache)}\n`);
  } catch {
    // A read-only directory only means the next start validates again.
  }
}

/**
 * Loads the rules as `loadRules(dir)` does (same RuleSet, same errors), from `cachePath` when the
 * files are unchanged since it was written; validates and refreshes the cache otherwise.
 */
export async function loadRulesCached(dir: string, cachePath: string): Promise<RuleSet> {
  const files = topicFiles(dir);
  const key = files ? cacheKey(files) : null;
  if (files && key) {
    const cached = readCache(cachePath, key, dir);
    if (cached) return cached;
  }
  const { loadRules } = await import('./rules.js');
  const rules = loadRules(dir);
  if (files && key) writeCache(cachePath, key, rules, files);
  return rules;
}

/** Where the rules cache of a model file lives: beside it. */
export function rulesCachePathFor(modelPath: string): string {
  return join(dirname(modelPath), 'rules-cache.json');
}
