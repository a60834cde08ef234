/**
 * The one redaction applied to every string that leaves the process: log lines, command output,
 * Discord replies, recorded fetch errors. Pure string work, no I/O.
 *
 * What is a secret here: URL user-info, the values of secret-looking query (and fragment)
 * parameters, Discord webhook and interaction tokens in a URL path, Discord bot-token shapes,
 * `Authorization` values, and literal values the caller (or {@link rememberSecret}) names.
 * Hosts, paths and ids stay visible: they tell an operator which feed or webhook failed without
 * granting anything.
 */

/** What a masked secret is replaced with. */
export const REDACTED = '[redacted]';

/** Literal secrets shorter than this are not masked in free text: they would blank out ordinary words. */
export const MIN_SECRET_LENGTH = 8;

/**
 * Inside a URL a known secret is masked from this length on: a short value substituted into a
 * feed's path is still a secret, and a URL has no ordinary words to blank out.
 */
const MIN_URL_SECRET_LENGTH = 4;

/** Query parameter names (lower case, decoded) whose values are credentials. */
const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'key', 'apikey', 'api_key', 'api-key', 'x-api-key', 'token', 'access_token', 'refresh_token', 'id_token',
  'auth', 'authorization', 'sig', 'signature', 'password', 'passwd', 'pwd', 'pass', 'secret', 'client_secret',
  'session', 'sessionid', 'session_id', 'credential', 'credentials',
]);

/** Any name ending so is a credential too (`wire_key`, `x-auth-token`, `accessToken`, `X-Amz-Signature`). */
const SECRET_PARAM_SUFFIX = /(?:[_.-]key|token|secret|apikey|password|passwd|signature)$/;

/**
 * A URL inside free text (whatever its scheme), up to whitespace, quotes, angle brackets or a backslash
 * (which ends a JSON string). Markdown escapes (`\_`, `\*`, `\[` …) are kept inside, so text
 * escaped for Discord is still scanned whole.
 */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/(?:[^\s"'<>\\`{}|^]|\\[_*~[\]()|<>#.!-])+/gi;

/** `scheme://user:pass@` — up to the last `@` of the authority, as the WHATWG parser reads it. */
const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/i;

/**
 * Discord webhook tokens (`/webhooks/<id>/<token>`, also the interaction follow-up shape
 * `/webhooks/<appId>/<interactionToken>/messages/@original`) and interaction tokens
 * (`/interactions/<id>/<token>/callback`), with or without `/api` and `/vN`, on any host: a
 * proxy or `DISCORD_API_BASE` may serve them elsewhere. The id is kept.
 */
const PATH_TOKEN = /(\/(?:webhooks|interactions)\/\d+\/)[^/?#\s"'<>\\`&]+/gi;

/** `?name=value` (also `&`, `;` and in the fragment, where OAuth puts its tokens). */
const PARAM = /([?&;#])([^=&;#?\s"'<>`]+)=([^&;#\s"'<>\\`]*)/g;

/** `Authorization: Basic …`, `"authorization":"Bearer …"` as a header dump or log field writes it. */
const AUTH_VALUE = /(authorization\\?["']?\s*[:=]\s*\\?["']?)((?:basic|bearer|bot|token)\s+)?[^\s"'\\,;}]{8,}/gi;

/**
 * The shape of a Discord bot token (base64 user id, timestamp, HMAC), masked wherever it appears
 * even when it is not the configured one, e.g. a token pasted into a feed URL by mistake.
 */
const BOT_TOKEN = /\b[MNO][\w-]{23,27}\.[\w-]{6}\.[\w-]{27,38}\b/g;

/**
 * `password=…` in a libpq key/value connection string (`host=db user=wf password=…`), the other
 * way than a `postgres://user:pass@` URL to write a PostgreSQL password. Quoted values included.
 */
const CONNINFO_PASSWORD = /(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'"&;]+)/gi;

/** Cheap test before the URL rules: most log lines hold no URL, parameter or header. */
const HINT = /:\/\/|\/webhooks\/|\/interactions\/|[?&;#][^=\s]{1,64}=|authorization|password/i;

const remembered = new Set<string>();

/**
 * Marks `value` as a secret for the rest of the process: every later {@link redactText} and
 * {@link redactUrl} masks it. For values that reach URLs from configuration (a feeds.json
 * `${VAR}`), where no rule could recognise them. Process-wide on purpose: the same feed URL is
 * shown by the log, the CLI and Discord replies, which share no other object.
 */
export function rememberSecret(value: string): void {
  if (value.length >= MIN_URL_SECRET_LENGTH) remembered.add(value);
}

/** Whether a query parameter named `raw` (as written, possibly encoded or Markdown-escaped) carries a credential. */
export function isSecretParam(raw: string): boolean {
  let name = raw.replace(/\\/g, '');
  try {
    name = decodeURIComponent(name);
  } catch {
    // A stray % is not an encoding: judge the name as written.
  }
  name = name.toLowerCase();
  return SECRET_PARAMS.has(name) || SECRET_PARAM_SUFFIX.test(name);
}

function maskParams(text: string): string {
  return text.replace(PARAM, (whole, sep: string, name: string, value: string) => {
    if (value === '' || value.startsWith(REDACTED)) return whole;
    if (isSecretParam(name)) return `${sep}${name}=${REDACTED}${splitTrailing(value)[1]}`;
    // A URL passed as a parameter (`?url=https%3A%2F%2F…%3Fapikey%3D…`) carries its own secrets.
    if (/%3A%2F%2F/i.test(value)) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        return whole;
      }
      const masked = redactUrl(decoded);
      if (masked !== decoded) return `${sep}${name}=${encodeURIComponent(masked)}`;
    }
    return whole;
  });
}

function maskLiterals(text: string, secrets: Iterable<string>, minLength: number): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < minLength) continue;
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    // The same secret as JSON or a URL writes it, should it contain characters they escape.
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(REDACTED);
  }
  return out;
}

/**
 * Masks the credentials in one URL: user-info (`https://[redacted]@host/…`), the values of
 * secret-looking parameters, Discord webhook and interaction tokens, and remembered secrets.
 * Anything else, ordinary URLs included, is returned exactly as given.
 */
export function redactUrl(url: string): string {
  let out = url.replace(USER_INFO, `$1${REDACTED}@`);
  if (out.includes('/webhooks/') || out.includes('/interactions/')) out = out.replace(PATH_TOKEN, `$1${REDACTED}`);
  const query = out.search(/[?#]/);
  if (query >= 0) out = out.slice(0, query) + maskParams(out.slice(query));
  if (remembered.size > 0) out = maskLiterals(out, remembered, MIN_URL_SECRET_LENGTH);
  return out;
}

/** Splits closing punctuation that ends a sentence, not the URL, off a URL found in text. */
function splitTrailing(match: string): [string, string] {
  let end = match.length;
  const count = (s: string, c: string) => s.split(c).length - 1;
  while (end > 0) {
    const c = match[end - 1] ?? '';
    const head = match.slice(0, end);
    if ('.,;:!?'.includes(c)) end--;
    else if (c === ')' && count(head, '(') < count(head, ')')) end--;
    else if (c === ']' && count(head, '[') < count(head, ']')) end--;
    else break;
  }
  return [match.slice(0, end), match.slice(end)];
}

/**
 * Masks every secret in free text (a log line, an error message or stack, a status table, a
 * Discord reply): each URL as {@link redactUrl} does, webhook/interaction tokens and secret
 * parameters even outside a full URL, `Authorization` values, Discord bot-token shapes, and the
 * literal `secrets` given plus those remembered. Cheap when there is nothing to mask.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  if (HINT.test(out)) {
    out = out.replace(URL_IN_TEXT, (match) => {
      const [url, tail] = splitTrailing(match);
      return redactUrl(url) + tail;
    });
    if (/\/webhooks\/|\/interactions\//i.test(out)) out = out.replace(PATH_TOKEN, `$1${REDACTED}`);
    out = maskParams(out);
    out = out.replace(AUTH_VALUE, (_whole, lead: string, scheme: string | undefined) => `${lead}${scheme ?? ''}${REDACTED}`);
    out = out.replace(CONNINFO_PASSWORD, (whole, lead: string, value: string) => (value.startsWith(REDACTED) ? whole : `${lead}${REDACTED}`));
  }
  out = out.replace(BOT_TOKEN, REDACTED);
  if (secrets.length > 0) out = maskLiterals(out, secrets, MIN_SECRET_LENGTH);
  if (remembered.size > 0) out = maskLiterals(out, remembered, MIN_SECRET_LENGTH);
  return out;
}

/**
 * Adds the credential part of each webhook URL among `secrets`: an error message may quote the
 * token without the rest of the URL.
 */
export function expandSecrets(secrets: readonly string[]): string[] {
  const out = new Set(secrets);
  for (const secret of secrets) {
    const match = /\/webhooks\/\d+\/([^/?#\s]+)/.exec(secret);
    if (match?.[1] !== undefined) out.add(match[1]);
  }
  return [...out];
}
