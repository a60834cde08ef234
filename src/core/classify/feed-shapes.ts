/**
 * Feed shapes: the ways a feed may carry a story besides headline plus lede, the form of the
 * labelled sets. `watchfloor eval --shapes` rewrites every labelled story into each shape, hands
 * it to the classifier as the pipeline would (a platform's footer removed and Google News's
 * description read as its headlines at normalisation, as src/core/story.ts does), and scores
 * it: a shape whose scores fall below the story as written is text the classifier reads as
 * evidence that is none (docs/rules.md, "Scoring"). Pure.
 */
import { googleNewsSummary } from '../google-news.js';
import { DERIVED_TITLE_MAX_CHARS, htmlToPlainText, truncateText } from '../story.js';
import { withoutFooter } from '../summary-footer.js';
import { evaluate, type Evaluation } from './evaluate.js';
import type { ClassifyInput } from './topic-classifier.js';

export interface FeedShape {
  /** A short name, as `--shapes` prints it and its JSON carries it. */
  readonly name: string;
  /** What the shape does to a story, in a few words. */
  readonly description: string;
  /** The story as a feed of that shape reaches the classifier. */
  readonly rewrite: (story: ClassifyInput) => ClassifyInput;
}

/** Words a headline in title case leaves in lower case. */
const SMALL_WORDS = new Set('a an the and but or nor for as at by in of on to up vs via'.split(' '));

function titleCase(text: string): string {
  return text.replace(/\p{L}[\p{L}'’-]*/gu, (word: string, offset: number) =>
    offset > 0 && SMALL_WORDS.has(word.toLowerCase()) ? word : (word[0] ?? '').toUpperCase() + word.slice(1),
  );
}

/** A Google News item of one headline: its title with the outlet's credit, its description as src/core/story.ts normalises it. */
function googleNewsItem(headline: string, outlet: string): ClassifyInput {
  const markup = (text: string): string => text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;');
  const html = `<a href="https://news.google.com/rss/articles/CBMi?oc=5" target="_blank">${markup(headline)}</a>&nbsp;&nbsp;<font color="#6f6f6f">${markup(outlet)}</font>`;
  const title = `${headline} - ${outlet}`;
  return { title, summary: googleNewsSummary(html, title, htmlToPlainText) ?? '' };
}

export const FEED_SHAPES: readonly FeedShape[] = [
  { name: 'as-written', description: 'the story as labelled', rewrite: (s) => s },
  { name: 'credit', description: 'an aggregator\'s credit: "… - The Kyiv Independent"', rewrite: (s) => ({ title: `${s.title} - The Kyiv Independent`, summary: s.summary }) },
  { name: 'credit-bar', description: 'an aggregator\'s credit: "… | NK News"', rewrite: (s) => ({ title: `${s.title} | NK News`, summary: s.summary }) },
  {
    name: 'google-news',
    description: 'Google News: "… - The Korea Herald", and its description (the headline linked, the outlet in grey) as normalised',
    rewrite: (s) => googleNewsItem(s.title, 'The Korea Herald'),
  },
  {
    name: 'footer',
    description: 'WordPress\'s footer: "The post … appeared first on Kyiv Post."',
    rewrite: (s) => ({ title: s.title, summary: withoutFooter(`${s.summary} The post ${s.title} appeared first on Kyiv Post.`) }),
  },
  { name: 'capitals', description: 'the headline in capitals', rewrite: (s) => ({ title: s.title.toUpperCase(), summary: s.summary }) },
  { name: 'title-case', description: 'the headline in title case', rewrite: (s) => ({ title: titleCase(s.title), summary: s.summary }) },
  { name: 'summary-is-headline', description: 'the headline as the summary', rewrite: (s) => ({ title: s.title, summary: s.title }) },
  { name: 'summary-opens-with-headline', description: 'the summary opens with the headline', rewrite: (s) => ({ title: s.title, summary: `${s.title}. ${s.summary}` }) },
  {
    name: 'no-headline',
    description: 'a feed without titles: the headline cut from the summary, as normalisation makes it',
    rewrite: (s) => ({ title: truncateText(s.summary, DERIVED_TITLE_MAX_CHARS), summary: s.summary }),
  },
  { name: 'headline-only', description: 'no summary (for comparison)', rewrite: (s) => ({ title: s.title, summary: '' }) },
];

/** One shape's scores over a labelled set. */
export interface ShapeEvaluation {
  readonly name: string;
  readonly description: string;
  readonly evaluation: Evaluation;
}

/** Every shape of {@link FEED_SHAPES} scored over the examples with `classify`. */
export function evaluateShapes(
  topics: readonly string[],
  examples: readonly (ClassifyInput & { readonly labels: readonly string[] })[],
  classify: (input: ClassifyInput) => readonly string[],
): ShapeEvaluation[] {
  return FEED_SHAPES.map((shape) => ({
    name: shape.name,
    description: shape.description,
    evaluation: evaluate(
      topics,
      examples.map((ex) => ({ gold: ex.labels, predicted: classify(shape.rewrite({ title: ex.title, summary: ex.summary })) })),
    ),
  }));
}
