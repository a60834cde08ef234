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

/** A one-topic rule set (Ukraine: names weigh 3, "front line" 1, threshold 4) for tests of the classifier's mechanics. */
export function ukraineRules(): RuleSet {
  return rulesFromYaml({
    'ukraine.yaml': `id: ukraine
label: Ukraine
color: "#0057b7"
threshold: 4
patterns:
  - weight: 3
    terms: [Ukraine, Kyiv, war in Ukraine, Києв*]
  - weight: 1
    terms: [front line]
`,
  });
}

/**
 * The head of a topic file for tests of the context features: threshold 4, title weight 2,
 * summary weight 1, the passing-mention cap on, no model. Patterns and exclusions follow it.
 */
export function topicHead(id: string, label: string = id): string {
  return `id: ${id}
label: ${label}
color: "#123456"
threshold: 4
title_weight: 2
summary_weight: 1
passing_mention_cap: true
model:
  enabled: false
`;
}
