/**
 * HTML to the text a reader sees, for feed titles and summaries: htmlparser2's streaming parser
 * (no document tree), text kept, tags dropped, entities decoded, what is not text skipped
 * (scripts, styles, media, embedded frames). Elements that break a line in a browser (paragraphs,
 * list items, cells, headings, `<br>`…) separate their text by a space, inline ones (links,
 * emphasis, `<span>`…) do not. The caller folds whitespace.
 *
 * This replaced html-to-text (ADR 15): a summary is folded to one line, so its layout engine
 * (word wrapping, list bullets, table columns) was work whose result was thrown away, and it was
 * the largest allocator of a poll cycle (a document tree and layout objects per summary).
 */
import { Parser } from 'htmlparser2';

/** Elements whose content is not text a reader sees. */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'video', 'audio', 'picture', 'svg', 'math', 'canvas', 'select', 'head']);

/** Elements that run inline with the text around them: no separator at their edges. */
const INLINE = new Set([
  'a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'del', 'dfn', 'em', 'font', 'i', 'img', 'ins', 'kbd', 'label',
  'mark', 'q', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var', 'wbr',
]);

let text = '';
let skipDepth = 0;
/** Whether `text` ends with the separator of an element edge (one is enough between two texts). */
let separated = true;

const edge = (name: string): void => {
  if (separated || INLINE.has(name)) return;
  text += ' ';
  separated = true;
};

/** Made on first use: a start with no HTML to read never loads the parser's tables. */
let parser: Parser | undefined;
const makeParser = (): Parser => new Parser(
  {
    onopentag(name) {
      if (skipDepth > 0 || SKIPPED.has(name)) {
        // Void elements (`<img>`, `<source>`…) get their close event at once: the count stays balanced.
        skipDepth++;
        return;
      }
      edge(name);
    },
    onclosetag(name) {
      if (skipDepth > 0) {
        skipDepth--;
        return;
      }
      edge(name);
    },
    ontext(data) {
      if (skipDepth > 0) return;
      text += data;
      separated = false;
    },
  },
  // `<iframe … />` and the other raw-text elements closed XHTML-style (as feeds written as XHTML
  // do) end there; in plain HTML everything after them would be their content, and skipped.
  { decodeEntities: true, recognizeSelfClosing: true },
);

/** The visible text of an HTML fragment, unfolded (see the module's comment). */
export function htmlText(html: string): string {
  text = '';
  skipDepth = 0;
  separated = true;
  parser ??= makeParser();
  parser.parseComplete(html);
  const out = text;
  text = '';
  return out;
}
