import type { Reason, TopicVerdict } from '../types.js';
import { fitSafeText } from './text.js';

/** How many reasons per topic an alert shows: the strongest few explain it; more is noise. */
export const MAX_REASONS_SHOWN = 3;

function formatWeight(weight: number): string {
  const rounded = Math.round(weight * 10) / 10;
  return rounded >= 0 ? `+${rounded}` : `${rounded}`;
}

/** One reason in a line of text, feed-derived parts escaped. */
export function describeReason(reason: Reason): string {
  switch (reason.kind) {
    case 'pattern':
      return `“${fitSafeText(reason.matched, 60)}” in ${reason.field} (${formatWeight(reason.weight)})`;
    case 'exclusion':
      // Says what the exclusion did to the words (they do not count), not that the topic was
      // excluded; a penalty is shown only when there is one.
      return `“${fitSafeText(reason.matched, 60)}” masked by the exclusion “${fitSafeText(reason.pattern, 60)}”${reason.weight !== 0 ? ` (${formatWeight(-Math.abs(reason.weight))})` : ''}`;
    case 'model':
      return `model p=${reason.probability.toFixed(2)}${reason.baseline !== undefined ? `, baseline ${reason.baseline.toFixed(2)}` : ''} (${formatWeight(reason.weight)})`;
    case 'note':
      return fitSafeText(reason.text, 120);
  }
}

function strength(reason: Reason): number {
  return reason.kind === 'note' ? 0 : Math.abs(reason.weight);
}

/** `“Kyiv” in title (+3), model p=0.91 (+1.5) → 6.2 ≥ 4`: why one topic matched. */
export function describeVerdict(verdict: TopicVerdict): string {
  const shown = [...verdict.reasons].sort((a, b) => strength(b) - strength(a)).slice(0, MAX_REASONS_SHOWN).map(describeReason);
  const more = verdict.reasons.length - shown.length;
  const score = `${Math.round(verdict.score * 10) / 10} ≥ ${verdict.threshold}`;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''} → ${score}`;
}
