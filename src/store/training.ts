import type { Db } from './db.js';

/** A stored story's text, as the classifier's weak labelling reads it. */
export interface TrainingStory {
  readonly rowid: number;
  readonly title: string;
  readonly summary: string;
}

/**
 * Read access to stored stories for training the classifier on weak labels. Newest first by
 * rowid, so the sample is deterministic for a given database.
 */
export function createTrainingSource(db: Db) {
  const recent = db.prepare<[number], TrainingStory>('SELECT rowid, title, summary FROM stories ORDER BY rowid DESC LIMIT ?');
  return {
    /** Up to `limit` of the most recently stored stories. */
    recentStories(limit: number): TrainingStory[] {
      return recent.all(limit);
    },
  };
}

export type TrainingSource = ReturnType<typeof createTrainingSource>;
