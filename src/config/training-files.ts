import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Its own module: the rules loader (rules.ts) and the start's cache check (app/classifier.ts)
// both read the training files, and rules-cache.ts loads rules.ts lazily, so neither imports
// the other for it.

/**
 * `<rules>/training/*.jsonl` in name order, with the hash of names and content that a saved model
 * is checked against: read without parsing the examples (`loadTrainingExamples` parses them).
 */
export function readTrainingFiles(rulesDir: string): { names: string[]; texts: string[]; hash: string } {
  const dir = join(rulesDir, 'training');
  let names: string[] = [];
  try {
    if (statSync(dir).isDirectory()) names = readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort();
  } catch {
    names = [];
  }
  const hash = createHash('sha256');
  const texts = names.map((name) => {
    const text = readFileSync(join(dir, name), 'utf8');
    hash.update(name).update('\0').update(text);
    return text;
  });
  return { names, texts, hash: hash.digest('hex').slice(0, 16) };
}
