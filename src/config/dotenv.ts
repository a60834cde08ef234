import { ConfigError, ConfigErrors } from './errors.js';

/**
 * A strict reader for `.env` files. Node's own reader (`process.loadEnvFile`, `util.parseEnv`)
 * never reports a bad line: a line without `=`, a line of spaces or an indented comment is
 * joined to the next line's name, so `oops` followed by `HTTP_PORT=9191` silently drops the port.
 * This reader accepts the same values Node does for well-formed files and names every line it
 * cannot read, with the fix.
 *
 * The format:
 * - blank lines and lines whose first non-blank character is `#` are ignored;
 * - every other line is `NAME=value`, optionally prefixed with `export `; NAME is letters,
 *   digits and `_`, not starting with a digit;
 * - a value in double quotes, single quotes or backticks may span several lines and keeps `#`;
 *   inside double quotes `\n` is a newline (as Node reads it); after the closing quote only a
 *   comment may follow;
 * - an unquoted value ends at the end of the line or at ` #` (a comment), and is trimmed; a `#`
 *   inside an unquoted word is refused (Node would cut the value there): quote the value.
 */
export function parseDotEnv(text: string, file: string): Record<string, string> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const values: Record<string, string> = {};
  const errors: ConfigError[] = [];
  const bad = (index: number, problem: string) => {
    errors.push(new ConfigError(file, `line ${index + 1}`, problem));
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const equals = line.indexOf('=');
    if (equals < 0) {
      // Not echoed: a line without a name may be a pasted secret.
      bad(i, 'has no "=": every line must be NAME=value, a comment starting with #, or blank. Add the missing NAME=, or put # in front of the line to make it a comment.');
      continue;
    }
    const name = line.slice(0, equals).trim().replace(/^export\s+/, '');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      bad(i, name === ''
        ? 'the line starts with = and has no name. Write NAME=value, or put # in front of the line.'
        : `"${shorten(name)}" is not a variable name: use letters, digits and _ only (no spaces), e.g. HTTP_PORT=9191.`);
      continue;
    }
    const rest = line.slice(equals + 1);
    const value = rest.trimStart();
    const quote = value[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      // The value runs to the next same quote, possibly on a later line (as Node reads it).
      let body = value.slice(1);
      let end = body.indexOf(quote);
      let last = i;
      while (end < 0 && last + 1 < lines.length) {
        last += 1;
        body += `\n${lines[last] ?? ''}`;
        end = body.indexOf(quote);
      }
      if (end < 0) {
        bad(i, `the ${quoteName(quote)} opening the value of ${name} is never closed. Add the closing ${quote}, or remove the opening one.`);
        break; // everything after it belongs to the unclosed value
      }
      const inner = body.slice(0, end);
      const swallowed = inner.split('\n').slice(1).map((text) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(text)?.[1]).filter((n) => n !== undefined);
      if (swallowed.length > 0) {
        bad(i, `the ${quoteName(quote)} opening the value of ${name} is closed only on line ${last + 1}, so ${swallowed.join(', ')} on the lines between become part of that value. Close the quote on line ${i + 1}.`);
      }
      const after = body.slice(end + 1);
      if (after.trim() !== '' && !after.trimStart().startsWith('#')) {
        bad(last, `the text after the closing ${quote} of ${name} would be dropped. Put it inside the quotes, or start a comment with #.`);
      }
      values[name] = quote === '"' ? inner.replace(/\\n/g, '\n') : inner;
      i = last;
      continue;
    }
    const hash = rest.indexOf('#');
    if (hash >= 0 && !/\s/.test(hash === 0 ? '' : (rest[hash - 1] ?? ''))) {
      bad(i, `the value of ${name} contains # (a comment mark), so it would be cut there. Quote the value: ${name}="…"`);
      continue;
    }
    values[name] = (hash >= 0 ? rest.slice(0, hash) : rest).trim();
  }
  if (errors.length > 0) throw new ConfigErrors(errors);
  return values;
}

function quoteName(quote: string): string {
  return quote === '`' ? 'backtick' : quote === '"' ? 'double quote' : 'single quote';
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
