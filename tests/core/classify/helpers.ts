import { buildRuleSet, parseTopicFile } from '../../../src/config/rules.js';
import type { RuleSet } from '../../../src/core/classify/rules.js';

/** A RuleSet from YAML texts written by a test (file name = `<id>.yaml`). */
export function rulesFromYaml(files: Record<string, string>): RuleSet {
  const topics = Object.entries(files).map(([name, text]) => {
    const { topic, errors } = parseTopicFile(name, text);
    if (!topic) throw new Error(errors.map((e) => e.message).join('\n'));
    return topic;
  });
  return buildRuleSet(topics);
}
