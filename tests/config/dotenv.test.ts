import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseDotEnv } from '../../src/config/dotenv.js';
import { configProblems } from '../helpers/config-errors.js';

function problems(text: string): string[] {
  return configProblems(() => parseDotEnv(text, '.env'));
}

describe('parseDotEnv', () => {
  it('GIVEN a line without = before a setting WHEN read THEN the line is named with its number and the fix (Node would swallow HTTP_PORT)', () => {
    const text = 'LOG_LEVEL=info\noops\nHTTP_PORT=9191\n';
    expect(parseEnv(text)).not.toHaveProperty('HTTP_PORT'); // the harm being prevented
    expect(problems(text)).toEqual([expect.stringMatching(/^\.env \(line 2\): has no "=": every line must be NAME=value.*Add the missing NAME=, or put # in front of the line/)]);
  });

  it('GIVEN a line of the form valid files use WHEN read THEN the values equal what Node reads', () => {
    const text = [
      '# comment',
      '',
      'export LOG_LEVEL=debug',
      'HTTP_PORT = 9191 ',
      'POLL_SCHEDULE=*/5 * * * *   # every five minutes',
      'DISCORD_TOKEN="a#b"',
      "SINGLE='it is # fine'",
      'MULTI="line one',
      'line two"',
      'ESCAPED="a\\nb"',
      'EMPTY=',
      'TICK=`x`',
    ].join('\n');
    const ours = parseDotEnv(text, '.env');
    expect(ours).toEqual(parseEnv(text));
    expect(ours).toMatchObject({ LOG_LEVEL: 'debug', HTTP_PORT: '9191', POLL_SCHEDULE: '*/5 * * * *', DISCORD_TOKEN: 'a#b', MULTI: 'line one\nline two', ESCAPED: 'a\nb', EMPTY: '' });
  });

  it('GIVEN lines Node misreads but people write (spaces-only line, indented comment, CRLF, a BOM) WHEN read THEN they are blank lines and comments', () => {
    const text = '\uFEFFA=1\r\n   \r\n  # indented comment\r\nB=2\r\n';
    expect(parseEnv(text)).not.toHaveProperty('B'); // Node joins them into the next name
    expect(parseDotEnv(text, '.env')).toEqual({ A: '1', B: '2' });
  });

  it('GIVEN the repository .env.example WHEN read THEN it is valid', () => {
    expect(() => parseDotEnv(readFileSync(join(import.meta.dirname, '../../.env.example'), 'utf8'), '.env.example')).not.toThrow();
  });

  it('GIVEN each kind of malformed line WHEN read THEN every one is reported with its line number, and no secret value is echoed', () => {
    const text = [
      'DISCORD_TOKEN=ok',
      'MTIzNDU2Nzg5.secret-pasted-alone', // 2: a token pasted without its name
      '=value', // 3
      'HTTP PORT=1', // 4
      'WEBHOOK=https://x/y#secret', // 5: cut at #
      'Q="closed" junk', // 6
      'M="opened', // 7: swallows the next setting
      'HTTP_PORT=9191',
      'end"',
      'U="never closed', // 10
      'LAST=1',
    ].join('\n');
    const found = problems(text);
    expect(found.map((p) => /\(line (\d+)\)/.exec(p)?.[1])).toEqual(['2', '3', '4', '5', '6', '7', '10']);
    expect(found[3]).toContain('Quote the value: WEBHOOK="…"');
    expect(found[5]).toContain('is closed only on line 9, so HTTP_PORT on the lines between become part of that value');
    expect(found[6]).toContain('the double quote opening the value of U is never closed');
    expect(found.join('\n')).not.toMatch(/secret|MTIz/);
  });
});
