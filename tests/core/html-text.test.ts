import { describe, expect, it } from 'vitest';
import { htmlText } from '../../src/core/html-text.js';
import { htmlToPlainText } from '../../src/core/story.js';

const folded = (html: string): string => htmlText(html).replace(/\s+/g, ' ').trim();

describe('htmlText', () => {
  it('GIVEN block elements THEN their texts are separated, and inline elements join the words around them', () => {
    expect(folded('<p>one</p><p>two</p>')).toBe('one two');
    expect(folded('<center>c</center>d<dl><dt>T</dt><dd>D</dd></dl>')).toBe('c d T D');
    expect(folded('Ki<span>ev</span> <b>bold</b>er <a href="https://x.example/">link</a>.')).toBe('Kiev bolder link.');
    expect(folded('a<br>b<br/>c<hr>d')).toBe('a b c d');
  });

  it('GIVEN lists, tables and quotes THEN only their text comes out, without bullets, numbers, rules or quote marks', () => {
    expect(folded('<ul><li>One</li><li>Two</li></ul>after')).toBe('One Two after');
    expect(folded('<ol><li>a</li><li>b</li></ol>')).toBe('a b');
    expect(folded('<table><tr><th>Name</th><th>Age</th></tr><tr><td>Kim</td><td>40</td></tr></table>')).toBe('Name Age Kim 40');
    expect(folded('<blockquote>quoted</blockquote>z')).toBe('quoted z');
  });

  it('GIVEN scripts, styles, media and frames, nested or not THEN nothing of theirs is kept', () => {
    expect(folded('<script>alert(1)</script><style>p{}</style>ok')).toBe('ok');
    expect(folded('<video><source src="a.mp4"><p>fallback</p></video>after')).toBe('after');
    expect(folded('<noscript><p>no <b>script</b></p></noscript>yes')).toBe('yes');
    expect(folded('<svg><text>drawn</text></svg>ok <object>obj</object>x')).toBe('ok x');
    expect(folded('<img src="a.png" alt="photo">caption')).toBe('caption');
  });

  it('GIVEN an XHTML-style self-closed raw-text element THEN the text after it is kept', () => {
    expect(folded('Talks resume <iframe src="https://player.example/1"/> in Panmunjom.')).toBe('Talks resume in Panmunjom.');
    expect(folded('Before <script src="x.js" /> after')).toBe('Before after');
    expect(folded('Before <iframe src="p">fallback text</iframe> after')).toBe('Before after');
  });

  it('GIVEN entities, comments and CDATA THEN entities are decoded and the rest is not text', () => {
    expect(folded('Seoul &amp; Pyongyang&nbsp;talk &#x2014; &#8212; &lt;b&gt;')).toBe('Seoul & Pyongyang talk — — <b>');
    expect(folded('AT&T, Tom &amp Jerry')).toBe('AT&T, Tom & Jerry');
    expect(folded('<!-- note -->t<![CDATA[hidden]]>')).toBe('t');
  });

  it('GIVEN unclosed or stray tags THEN the text is still read, and one call does not leak into the next', () => {
    expect(folded('Unclosed <b>bold <p>para')).toBe('Unclosed bold para');
    expect(folded('</div>text</span>')).toBe('text');
    expect(folded('<script>never closed')).toBe('');
    expect(folded('fresh')).toBe('fresh');
  });

  it('GIVEN what a feed sends THEN htmlToPlainText folds it to one line, and text already folded comes back as it was', () => {
    expect(htmlToPlainText('<p>Line one\n\t<em>two</em></p>\n<p>three</p>')).toBe('Line one two three');
    expect(htmlToPlainText('Already one line, no markup')).toBe('Already one line, no markup');
    expect(htmlToPlainText('tab\there\u00a0nbsp  two')).toBe('tab here nbsp two');
  });
});
