/**
 * The validated, frozen shape of `rules/*.yaml` (src/config/rules.ts builds it). Pure data, so
 * the classifier can be built from it without any file I/O (tests, benchmarks).
 */

/** A weighted signal for a topic: one or more equivalent terms (aliases, spellings, scripts). */
export interface PatternRule {
  /** Shown in reasons: the explicit `name`, else the first term, else the regex. */
  readonly name: string;
  /** Where the rule was written, e.g. `patterns[3]`, for messages. */
  readonly path: string;
  readonly weight: number;
  /**
   * Word sequences. Spaces and hyphens are interchangeable; a trailing `*` makes the last word
   * a prefix (inflected Cyrillic, e.g. `україн*`); Hangul words always accept particles.
   */
  readonly terms: readonly string[];
  /** Optional operator-written regular expression over the folded field (words joined by one space). */
  readonly regex: string | undefined;
  /** Match the terms with their case as written (acronyms such as `NIS`, `SK`, `LG`). */
  readonly caseSensitive: boolean;
  /** The pattern counts only when one of these terms also occurs in the story (title or summary). */
  readonly requires: readonly string[];
  /** The pattern does not count when one of these terms occurs in the story. */
  readonly unless: readonly string[];
}

/** Text that masks this topic's matches inside it (and may cost points): the classic traps. */
export interface ExclusionRule {
  readonly name: string;
  readonly path: string;
  readonly terms: readonly string[];
  readonly regex: string | undefined;
  /** Points taken off the topic's score for each distinct word or phrase of it that matches (0: only masks). */
  readonly penalty: number;
  /**
   * Apply only when this other topic's keywords reach its threshold: e.g. "says Seoul" is an
   * attribution only inside a North Korea story.
   */
  readonly onlyWith: string | undefined;
  /**
   * Apply only when one of these words is also in the story (empty: always): "transit deal" is a
   * cause elsewhere only in a story of Moldova.
   */
  readonly requires: readonly string[];
  /**
   * A match must lie within one clause: no comma, semicolon or sentence end inside it. "South
   * Korean troops, the Joint Chiefs of Staff said" is not the South's agency speaking.
   */
  readonly oneClause: boolean;
}

/** One topic, one YAML file. */
export interface TopicRule {
  readonly id: string;
  readonly label: string;
  /** 0xRRGGBB */
  readonly color: number;
  /** Score at or above which the story matches. */
  readonly threshold: number;
  /** Multiplier for matches in the title. */
  readonly titleWeight: number;
  /** Multiplier for matches in the summary. */
  readonly summaryWeight: number;
  /** Each further hit of the same pattern in the same field counts this much of the previous one. */
  readonly repeatDecay: number;
  /**
   * A story whose only evidence is one summary hit of one pattern is a passing mention: its
   * keyword score is capped just under the threshold, and only the model can lift it.
   */
  readonly passingMentionCap: boolean;
  readonly model: {
    readonly enabled: boolean;
    /** The model adds `weight × (2p − 1)` to the keyword score of candidate stories. */
    readonly weight: number;
    /** The model's surest no weighs this times `weight` (MODEL_CERTAIN_LEAN); absent: MODEL_CONFIDENT_FACTOR. */
    readonly certainNoFactor?: number;
  };
  readonly patterns: readonly PatternRule[];
  readonly exclusions: readonly ExclusionRule[];
  /** The file it came from, for messages. */
  readonly file: string;
}

export interface RuleSet {
  readonly topics: readonly TopicRule[];
  /** Hash of the rules' content: a model trained under other rules is retrained. */
  readonly hash: string;
}
