import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { redactUrl, rememberSecret } from '../core/redact.js';
import { FEED_KINDS, type FeedConfig } from '../core/types.js';
import { ConfigError, ConfigErrors } from './errors.js';

/** How often a feed may be polled at most / at least, in minutes. */
export const FEED_INTERVAL_MIN_MINUTES = 1;
export const FEED_INTERVAL_MAX_MINUTES = 24 * 60;

const FEED_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const feedSchema = z.strictObject({
  id: z.string().regex(FEED_ID, 'must be 1–64 characters of a-z, 0-9, "-" or "_", starting with a letter or digit (e.g. "yonhap-en")'),
  url: z.string().trim().min(1, 'must be an http(s) URL or a local file path'),
  name: z.string().trim().min(1, 'must be the source name shown in alerts (e.g. "Yonhap News Agency")').max(100),
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as "en", "ko" or "uk"'),
  kind: z.enum(FEED_KINDS, { error: `must be one of ${FEED_KINDS.join(', ')}` }),
  interval: z
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(FEED_INTERVAL_MIN_MINUTES, `must be at least ${FEED_INTERVAL_MIN_MINUTES} minute`)
    .max(FEED_INTERVAL_MAX_MINUTES, `must be at most ${FEED_INTERVAL_MAX_MINUTES} minutes (a day)`)
    .optional(),
  enabled: z.boolean({ error: 'must be true or false' }).optional(),
  topics: z.array(z.string().min(1)).optional(),
  home: z.string().min(1, 'must be a topic id from rules/, e.g. "south-korea"').optional(),
  /** Free text for the operator; ignored by the bot. */
  note: z.string().optional(),
});

const fileSchema = z.union([
  z.strictObject({ $schema: z.string().optional(), feeds: z.array(z.unknown()) }),
  z.array(z.unknown()),
]);

export type FeedInput = z.input<typeof feedSchema>;

/**
 * Loads and validates `feeds.json`: `{ "feeds": [ {id, url, name, language, kind, interval?,
 * enabled?, topics?} ] }` (a bare array is accepted too). Local paths resolve against the file's
 * folder. Every problem is reported at once, each naming the entry, the field and the fix.
 */
export function loadFeeds(path: string, env: Readonly<Record<string, string | undefined>> = process.env): readonly FeedConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ConfigError(path, '', code === 'ENOENT'
      ? 'file not found. Create it (see feeds.json in the Watchfloor repository for the format) or pass --feeds / set WATCHFLOOR_FEEDS.'
      : `cannot read: ${(cause as Error).message}`, { cause });
  }
  return parseFeeds(text, path, env);
}

/**
 * Validates feeds.json text; `path` is used in messages and to resolve local feed paths, `env`
 * supplies the `${VAR}` references in feed URLs.
 */
export function parseFeeds(text: string, path: string, env: Readonly<Record<string, string | undefined>> = process.env): readonly FeedConfig[] {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw new ConfigError(path, jsonErrorPosition(text, cause), `not valid JSON: ${(cause as Error).message}. Check for a missing comma or quote, or a trailing comma.`, { cause });
  }
  const file = fileSchema.safeParse(json);
  if (!file.success) {
    throw new ConfigError(path, '', 'must be an object {"feeds": [...]} (or an array of feeds). Unknown top-level keys are not allowed.');
  }
  const entries = Array.isArray(file.data) ? file.data : file.data.feeds;
  const errors: ConfigError[] = [];
  const feeds: FeedConfig[] = [];
  const seen = new Map<string, number>();
  const baseDir = dirname(resolve(path));

  entries.forEach((entry, index) => {
    const label = describeEntry(entry, index);
    const parsed = feedSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push(new ConfigError(path, `${label}${fieldPath(issue.path)}`, fixFor(issue)));
      return;
    }
    const input = parsed.data;
    const expanded = expandEnvReferences(input.url, env);
    if (!expanded.ok) {
      errors.push(new ConfigError(path, `${label}.url`, expanded.problem));
      return;
    }
    const url = resolveFeedUrl(expanded.value, baseDir);
    if (url === null) {
      // The URL as written (with its ${VAR}s, not their values), and without credentials.
      errors.push(new ConfigError(path, `${label}.url`, `"${redactUrl(input.url)}" is neither an http(s) URL nor a file path. Use e.g. "https://example.org/rss.xml" or "examples/feed.xml".`));
      return;
    }
    const previous = seen.get(input.id);
    if (previous !== undefined) {
      errors.push(new ConfigError(path, `${label}.id`, `duplicate id "${input.id}" (also feeds[${previous}]). Every feed needs its own id: stories and poll state are keyed by it.`));
      return;
    }
    seen.set(input.id, index);
    feeds.push(Object.freeze({
      id: input.id,
      url,
      name: input.name,
      language: input.language,
      kind: input.kind,
      intervalMinutes: input.interval,
      enabled: input.enabled ?? true,
      topics: Object.freeze([...(input.topics ?? [])]),
      ...(input.home === undefined ? {} : { home: input.home }),
    }));
  });
  if (errors.length > 0) throw new ConfigErrors(errors);
  return Object.freeze(feeds);
}

/**
 * The feeds whose `home` names a topic the rules do not have, one error each (entry, field, the
 * topics there are, the fix). feeds.json is read without the rules, so every command that has
 * both (`check`, `run`, the poller on PostgreSQL) asks this before polling.
 */
export function feedHomeErrors(feeds: readonly FeedConfig[], topicIds: readonly string[], path: string): ConfigError[] {
  const errors: ConfigError[] = [];
  feeds.forEach((feed, index) => {
    if (feed.home === undefined || topicIds.includes(feed.home)) return;
    errors.push(new ConfigError(path, `feeds[${index}] "${feed.id}".home`, `"${feed.home}" is no topic of the rules (${topicIds.join(', ') || 'none'}). Use one of those ids, or remove "home".`));
  });
  return errors;
}

/** Throws every `feedHomeErrors` problem at once (exit 2), or returns. */
export function assertFeedHomes(feeds: readonly FeedConfig[], topicIds: readonly string[], path: string): void {
  const errors = feedHomeErrors(feeds, topicIds, path);
  if (errors.length > 0) throw new ConfigErrors(errors);
}

/** `${NAME}`, or `$${NAME}` for a literal `${NAME}`; `${` followed by anything else is an error. */
const ENV_REFERENCE = /(\$?)\$\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces each `${NAME}` in a feed URL with the environment variable NAME, so that API keys and
 * passwords need not sit in feeds.json. Each value is remembered as a secret: wherever the URL
 * is shown (logs, status, Discord), the value is masked even where no rule would recognise it,
 * e.g. in a path segment. The value is inserted as written: percent-encode `#`, `?`, `/` or `&`
 * in it.
 */
export function expandEnvReferences(url: string, env: Readonly<Record<string, string | undefined>>): { ok: true; value: string } | { ok: false; problem: string } {
  if (!url.includes('${')) return { ok: true, value: url };
  const problems: string[] = [];
  const value = url.replace(ENV_REFERENCE, (whole, escape: string, name: string) => {
    if (escape === '$') return whole.slice(1);
    if (!ENV_NAME.test(name)) {
      problems.push(`"\${${name}}" is not an environment variable reference: a name is letters, digits and "_" (e.g. \${WIRE_API_KEY}); write $\${…} for a literal "\${"`);
      return whole;
    }
    const found = env[name];
    if (found === undefined || found === '') {
      problems.push(`the environment variable ${name} (named by \${${name}}) is ${found === undefined ? 'not set' : 'empty'}. Set it in the environment or in .env (see .env.example), or write the value into the URL`);
      return whole;
    }
    rememberSecret(found);
    return found;
  });
  return problems.length > 0 ? { ok: false, problem: problems.join('; ') } : { ok: true, value };
}

/** http(s) URLs stay as they are; anything else is a local path, made absolute. */
export function resolveFeedUrl(url: string, baseDir: string): string | null {
  if (/^https?:\/\//i.test(url)) {
    try {
      return new URL(url).href;
    } catch {
      return null;
    }
  }
  if (url.startsWith('file://')) return url;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return null; // ftp://, gopher://, …
  return isAbsolute(url) ? url : resolve(baseDir, url);
}

function describeEntry(entry: unknown, index: number): string {
  if (entry && typeof entry === 'object' && 'id' in entry && typeof entry.id === 'string') return `feeds[${index}] "${entry.id}"`;
  return `feeds[${index}]`;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

function fixFor(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; allowed: ${Object.keys(feedSchema.shape).join(', ')}. Check the spelling.`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) return `is required: ${issue.message.replace(/^Invalid input: /, '')}`;
  return issue.message;
}

function jsonErrorPosition(text: string, error: unknown): string {
  const match = /position (\d+)/.exec((error as Error).message);
  if (!match?.[1]) return '';
  const offset = Number(match[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}
