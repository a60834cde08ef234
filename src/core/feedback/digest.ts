import { planDigest, type DigestInput } from '../compose/digest.js';
import type { OutboundMessage } from '../compose/message.js';
import { cleanInline, truncateGraphemes } from '../compose/text.js';

/** custom_id prefix of a digest's rating menus: `fbd:up:<subscription>` and `fbd:down:<subscription>`. */
export const DIGEST_RATING_PREFIX = 'fbd';
/** Discord's limits on a string select (options, label and value lengths). */
export const MAX_SELECT_OPTIONS = 25;
const MAX_OPTION_CHARS = 100;

/** A digest menu's custom_id, and the one option value per entry: `<story rowid>:<topic>`. */
export function digestRatingId(rating: 1 | -1, subscriptionId: number): string {
  return `${DIGEST_RATING_PREFIX}:${rating > 0 ? 'up' : 'down'}:${subscriptionId}`;
}

/** Reads a digest menu's custom_id; null for any other. */
export function parseDigestRatingId(customId: string): { rating: 1 | -1; subscriptionId: number } | null {
  const m = /^fbd:(up|down):(\d{1,15})$/u.exec(customId);
  if (!m) return null;
  return { rating: m[1] === 'up' ? 1 : -1, subscriptionId: Number(m[2]) };
}

/** Reads one selected option; null when it is not ours. */
export function parseDigestRatingValue(value: string): { storyRowid: number; topic: string } | null {
  const m = /^(\d{1,15}):([a-z0-9][a-z0-9_-]{0,80})$/u.exec(value);
  if (!m) return null;
  return { storyRowid: Number(m[1]), topic: m[2] ?? '' };
}

/**
 * Adds the "Relevant / Not relevant" menus to the last message of a digest: one menu each, every
 * entry (the representative story of each cluster, under the topic it is listed for) an option,
 * in the digest's order, the first 25 (Discord's limit per menu). `rowidOf` maps a digest story's
 * key to its stored rowid. A digest with no entries is returned as it is.
 */
export function withDigestRatings(payloads: readonly OutboundMessage[], input: DigestInput, subscriptionId: number, rowidOf: (key: string) => number | undefined): OutboundMessage[] {
  const options: { label: string; value: string; description: string }[] = [];
  for (const group of planDigest(input)) {
    const label = input.topics.get(group.topic)?.label ?? group.topic;
    for (const entry of group.entries) {
      const rowid = rowidOf(entry.cluster.representative.key);
      if (rowid === undefined || options.length >= MAX_SELECT_OPTIONS) continue;
      const value = `${rowid}:${group.topic}`;
      if (value.length > MAX_OPTION_CHARS) continue;
      options.push({
        label: truncateGraphemes(cleanInline(entry.cluster.representative.title) || '(untitled)', MAX_OPTION_CHARS),
        value,
        description: truncateGraphemes(cleanInline(label), MAX_OPTION_CHARS),
      });
    }
  }
  const last = payloads.at(-1);
  if (!last || options.length === 0) return [...payloads];
  const menu = (rating: 1 | -1, placeholder: string) => ({
    type: 1 as const,
    components: [{ type: 3 as const, custom_id: digestRatingId(rating, subscriptionId), placeholder, min_values: 1, max_values: options.length, options }],
  });
  const rated: OutboundMessage = { ...last, components: [menu(1, '👍 Relevant: pick stories this channel wants'), menu(-1, '👎 Not relevant: pick stories it does not want')] };
  return [...payloads.slice(0, -1), rated];
}
