/**
 * Reading the dates feeds write. Pure and deterministic: every instant is built with `Date.UTC`
 * from the numbers in the text, so neither `Date.parse` (whose fallbacks differ between engines
 * and use the machine's zone) nor the server's time zone is ever involved.
 *
 * Accepted forms (see docs/fetching.md, "Dates"):
 * - W3C-DTF / ISO 8601: `2003-12-31T10:14:55.12-08:00`, `+0900` without a colon, `2003-12-31`,
 *   `2003-12`, `2003`, ordinal `2003-365`, the `2003-012-31` typo (three-digit month with a
 *   leading zero), week dates `2003-W01-1`, basic `20031231T101455Z`.
 * - RFC 822 / 1123 / 850 and real-world variants: optional (full or short) weekday, full month
 *   names, two-digit years (00–49 → 20xx, 50–99 → 19xx), missing seconds, odd commas and
 *   whitespace, named zones (UT, GMT, EST … PDT, ET/CT/MT/PT/AT, MET, CET, EET, KST, JST, MSK …),
 *   `GMT+9`, `Etc/GMT-9` (POSIX sign: east is minus), RFC 822 military letters.
 * - asctime `Sun Nov  6 08:49:37 1994` and Unix `date` output `Tue May 25 23:23:17 KST 2004`.
 * - Korean: `2004-05-25 오후 11:23:17`, `2024. 5. 25. 오후 2:03:00`, `2024.05.25 14:03`,
 *   `2024년 5월 25일 (토) 14시 03분`.
 * - Ukrainian and Russian month names: `25 травня 2024 р. о 14:03`, `25 мая 2024`, and
 *   `25.05.2024 14:03` (dotted day-first, with a four-digit year).
 * - Greek and Hungarian month names (`Κυρ, 11 Ιούλ 2004 12:00:00 EEST`, `2004-július-13T9:15-05:00`).
 *
 * Zones: an explicit zone always wins. A date with a time but no zone is UTC, except that
 * Korean forms (오전/오후, 년/월/일, 시/분) are KST (+09:00), and so is any zone-less time when the
 * language hint is `ko`. An unknown zone name ending a date-time is read as UTC. A date without a time is midnight UTC whatever the hint: it names a
 * day, not an instant. Anything ambiguous (`-03-12`, `03/04/2024`, a year of two digits in
 * numeric forms) is rejected rather than guessed.
 */

export interface DateHint {
  /** BCP 47 language of the feed (`ko`, `uk`, `en-US` …); `ko` makes zone-less times KST. */
  readonly language?: string;
}

const KST_MINUTES = 9 * 60;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/** Zone names seen in feeds, in minutes east of UTC. North American ones follow RFC 822. */
const ZONE_MINUTES: Readonly<Record<string, number>> = {
  ut: 0, utc: 0, gmt: 0, z: 0, wet: 0, uct: 0, zulu: 0,
  est: -300, edt: -240, et: -300, cst: -360, cdt: -300, ct: -360, mst: -420, mdt: -360, mt: -420,
  pst: -480, pdt: -420, pt: -480, ast: -240, adt: -180, at: -240, akst: -540, akdt: -480, hst: -600,
  nst: -210, ndt: -150,
  met: 60, mest: 120, cet: 60, cest: 120, mez: 60, mesz: 120, bst: 60, ist: 330, west: 60,
  eet: 120, eest: 180, msk: 180, msd: 240,
  kst: 540, jst: 540, hkt: 480, sgt: 480, awst: 480, pht: 480, wib: 420, ict: 420,
  aest: 600, aedt: 660, acst: 570, acdt: 630, nzst: 720, nzdt: 780,
};

/** RFC 822 §5.1 military zones as written there (A = -1 … M = -12, N = +1 … Y = +12; J unused). */
function militaryMinutes(letter: string): number | undefined {
  const code = letter.charCodeAt(0);
  if (letter.length !== 1 || code < 97 || code > 122 || letter === 'j') return undefined;
  if (letter === 'z') return 0;
  if (code <= 105) return -(code - 96) * 60; // a..i → -1..-9
  if (code <= 109) return -(code - 97) * 60; // k..m → -10..-12
  return (code - 109) * 60; // n..y → +1..+12
}

const MONTHS: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  const lists: readonly (readonly string[])[] = [
    ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
    ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
    // Ukrainian: genitive ("25 травня"), nominative, short.
    ['січня', 'лютого', 'березня', 'квітня', 'травня', 'червня', 'липня', 'серпня', 'вересня', 'жовтня', 'листопада', 'грудня'],
    ['січень', 'лютий', 'березень', 'квітень', 'травень', 'червень', 'липень', 'серпень', 'вересень', 'жовтень', 'листопад', 'грудень'],
    ['січ', 'лют', 'бер', 'квіт', 'трав', 'черв', 'лип', 'серп', 'вер', 'жовт', 'лист', 'груд'],
    // Russian: genitive, nominative, short.
    ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'],
    ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'],
    ['янв', 'фев', 'мар', 'апр', 'мая', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'],
    // Greek and Hungarian, looked up without accents (as Greek and Hungarian sites write them).
    ['ιαν', 'φεβ', 'μαρ', 'απρ', 'μαι', 'ιουν', 'ιουλ', 'αυγ', 'σεπ', 'οκτ', 'νοε', 'δεκ'],
    ['januar', 'februar', 'marcius', 'aprilis', 'majus', 'junius', 'julius', 'augusztus', 'szeptember', 'oktober', 'november', 'december'],
  ];
  for (const list of lists) list.forEach((name, index) => map.set(name, index + 1));
  for (const [name, month] of [['sept', 9], ['сент', 9], ['нояб', 11], ['лис', 11], ['вер', 9]] as const) map.set(name, month);
  return map;
})();

const WEEKDAYS = new Set([
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
  'понеділок', 'вівторок', 'середа', 'четвер', "п'ятниця", 'пʼятниця', 'субота', 'неділя',
  'пн', 'вт', 'ср', 'чт', 'пт', 'сб', 'нд', 'вс', 'κυρ', 'δευ', 'τρι', 'τετ', 'πεμ', 'παρ', 'σαβ',
  'понедельник', 'вторник', 'среда', 'четверг', 'пятница', 'суббота', 'воскресенье',
  '월', '화', '수', '목', '금', '토', '일', '월요일', '화요일', '수요일', '목요일', '금요일', '토요일', '일요일',
]);

/** Words between the parts of a date that carry no meaning ("25 травня 2024 р. о 14:03"). */
const FILLER = new Set(['р', 'року', 'рік', 'г', 'год', 'года', 'о', 'об', 'в', 'во', 'at', 'on', 'the', 'of', 'de']);

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  /** Minutes east of UTC, or null when the text names no zone. */
  offset: number | null;
  hasTime: boolean;
  /** Korean markers were present: a zone-less time is KST. */
  korean: boolean;
}

function instantOf(p: Parts, hint: DateHint | undefined): number | null {
  if (!Number.isInteger(p.year) || p.year < 1000 || p.year > 9999) return null;
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > daysInMonth(p.year, p.month)) return null;
  const endOfDay = p.hour === 24 && p.minute === 0 && p.second === 0 && p.ms === 0;
  if ((p.hour > 23 && !endOfDay) || p.minute > 59 || p.second > 60) return null;
  let offset = p.offset;
  if (offset === null && p.hasTime && (p.korean || languageIsKorean(hint))) offset = KST_MINUTES;
  if (offset !== null && Math.abs(offset) > 18 * 60) return null;
  const utc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.ms);
  // Date.UTC maps years 0-99 to 1900-1999; the range check above keeps them out.
  return utc - (offset ?? 0) * MS_PER_MINUTE;
}

function languageIsKorean(hint: DateHint | undefined): boolean {
  return hint?.language !== undefined && /^ko(?:-|$)/i.test(hint.language.trim());
}

function offsetOf(sign: string, hours: string, minutes: string | undefined): number | null {
  const h = Number(hours);
  const m = minutes === undefined ? 0 : Number(minutes);
  if (m > 59) return null;
  return (sign === '-' ? -1 : 1) * (h * 60 + m);
}

function fractionMs(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
}

const ISO_DATE = /^(\d{4})(?:-(\d{2})-(\d{2})|-0(\d{2})-(\d{2})|(\d{2})(\d{2})|-?(\d{3})|-(\d{2})|-?W(\d{2})(?:-?([1-7]))?)?/;
const ISO_TIME = /^(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?|T(\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?)/;
const ISO_ZONE = /^ ?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Monday of ISO week 1 of `year`, as a UTC day number. */
function isoWeekOneMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4) / MS_PER_DAY;
  const weekday = (((jan4 + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday: 0 = Monday
  return jan4 - weekday;
}

function parseIso(text: string, hint: DateHint | undefined): number | null | undefined {
  const upper = text.toUpperCase();
  const date = ISO_DATE.exec(upper);
  if (date === null) return undefined;
  const [matched, y, m, d, m3, d3, mb, db, ordinal, mOnly, week, weekday] = date;
  const year = Number(y);
  let month = 1;
  let day = 1;
  if (m !== undefined && d !== undefined) [month, day] = [Number(m), Number(d)];
  else if (m3 !== undefined && d3 !== undefined) [month, day] = [Number(m3), Number(d3)];
  else if (mb !== undefined && db !== undefined) [month, day] = [Number(mb), Number(db)];
  else if (mOnly !== undefined) month = Number(mOnly);
  else if (ordinal !== undefined || week !== undefined) {
    let dayNumber: number;
    if (ordinal !== undefined) {
      const n = Number(ordinal);
      if (n < 1 || n > (isLeap(year) ? 366 : 365)) return null;
      dayNumber = Date.UTC(year, 0, 1) / MS_PER_DAY + n - 1;
    } else {
      const w = Number(week);
      if (w < 1 || w > 53) return null;
      dayNumber = isoWeekOneMonday(year) + (w - 1) * 7 + Number(weekday ?? '1') - 1;
      if (w === 53 && isoWeekOneMonday(year + 1) <= dayNumber - Number(weekday ?? '1') + 1) return null;
    }
    const at = new Date(dayNumber * MS_PER_DAY);
    [month, day] = [at.getUTCMonth() + 1, at.getUTCDate()];
    if (at.getUTCFullYear() !== year) {
      // Week 1 may start in the previous year, week 52/53 end in the next.
      return rest(at.getUTCFullYear());
    }
  }
  return rest(year);

  function rest(actualYear: number): number | null | undefined {
    let remainder = upper.slice(matched.length);
    const parts: Parts = { year: actualYear, month, day, hour: 0, minute: 0, second: 0, ms: 0, offset: null, hasTime: false, korean: false };
    if (remainder === '') return instantOf(parts, hint);
    const time = ISO_TIME.exec(remainder);
    if (time === null) return undefined;
    const [timeText, hh, mm, ss, frac, hhb, mmb, ssb, fracb] = time;
    parts.hour = Number(hh ?? hhb);
    parts.minute = Number(mm ?? mmb);
    parts.second = Number(ss ?? ssb ?? '0');
    parts.ms = fractionMs(frac ?? fracb);
    parts.hasTime = true;
    remainder = remainder.slice(timeText.length);
    if (remainder !== '') {
      const zone = ISO_ZONE.exec(remainder);
      if (zone === null) return undefined;
      const [, z, sign, zh, zm] = zone;
      parts.offset = z !== undefined ? 0 : offsetOf(sign ?? '+', zh ?? '0', zm);
      if (parts.offset === null) return null;
    }
    return instantOf(parts, hint);
  }
}

const TIME_TOKEN = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?$/;
const OFFSET_TOKEN = /^([+-])(\d{2}):?(\d{2})$|^([+-])(\d{1,2})$/;
const NAMED_OFFSET_TOKEN = /^(etc\/)?(?:gmt|utc|ut)([+-])(\d{1,2})(?::?(\d{2}))?$/;
const HANGUL_MARKERS = /[년월일시분초]|오전|오후/;

/**
 * The forms that are not ISO 8601: a token scan that needs a day, a month (named, or from a
 * numeric year-month-day group) and a year, and takes a time, AM/PM and a zone in any order.
 */
function parseTokens(text: string, hint: DateHint | undefined): number | null {
  let s = text.toLowerCase().normalize('NFC');
  const parts: Parts = { year: Number.NaN, month: Number.NaN, day: Number.NaN, hour: 0, minute: 0, second: 0, ms: 0, offset: null, hasTime: false, korean: HANGUL_MARKERS.test(s) };
  // Korean hours and minutes: "14시 03분 20초" → "14:03:20".
  s = s.replace(/(\d{1,2})\s*시\s*(?:(\d{1,2})\s*분)?(?:\s*(\d{1,2})\s*초)?/g, (_m, h: string, mi: string | undefined, se: string | undefined) => ` ${h}:${(mi ?? '0').padStart(2, '0')}${se === undefined ? '' : `:${se.padStart(2, '0')}`} `);
  // Korean year/month/day markers are separators: "2024년 5월 25일" → "2024-5-25".
  s = s.replace(/(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일/g, ' $1-$2-$3 ');
  // A zone glued to the time ("09:30:00+09:00", "09:30GMT") or a date glued to its time.
  s = s.replace(/(\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?)(?=[+\-a-z])/g, '$1 ').replace(/(\d{4}-\d{1,2}-\d{1,2})t(?=\d)/g, '$1 ');
  // Parentheses hold a weekday or zone ("(토)", "(KST)") or an RFC 822 comment, dropped.
  s = s.replace(/\(([^()]*)\)/g, (_m, inner: string) => (WEEKDAYS.has(inner.trim()) || ZONE_MINUTES[inner.trim()] !== undefined ? ` ${inner} ` : ' ')).replace(/[()[\]]/g, ' ');
  // Year first, any of - . / as separators (Korean "2024. 5. 25."): unambiguous. Else day
  // first with dots and a four-digit year (Ukrainian, Russian, German): "25.05.2024".
  const yearFirst = /(?:^|\s)(\d{4})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{1,2})\.?(?=\s|$)/.exec(s);
  const dayFirst = yearFirst === null ? /(?:^|\s)(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*р\.|\s*г\.)?(?=\s|$)/.exec(s) : null;
  const numeric = yearFirst ?? dayFirst;
  const numericDate = numeric !== null;
  if (yearFirst !== null) [parts.year, parts.month, parts.day] = [Number(yearFirst[1]), Number(yearFirst[3]), Number(yearFirst[4])];
  if (dayFirst !== null) [parts.year, parts.month, parts.day] = [Number(dayFirst[3]), Number(dayFirst[2]), Number(dayFirst[1])];
  if (numeric !== null) s = `${s.slice(0, numeric.index)} ${s.slice(numeric.index + numeric[0].length)}`;
  // Hungarian "2004-július-13T9:15-05:00" → "13 július 2004 9:15-05:00".
  s = s.replace(/^(\d{4})-(\p{L}+)-(\d{1,2})(?:t|\s|$)/u, '$3 $2 $1 ');
  // RFC 850: "06-Nov-94".
  s = s.replace(/(\d{1,2})-(\p{L}+)\.?-(\d{2,4})/gu, '$1 $2 $3');
  const tokens = s.split(/[\s,]+/).map((t) => t.replace(/^\.+|[.,]+$/g, '')).filter((t) => t !== '');
  const numbers: string[] = [];
  let monthFromName = false;
  let pm: boolean | null = null;
  let zoneName: number | null = null;
  for (const [index, token] of tokens.entries()) {
    const time = TIME_TOKEN.exec(token);
    if (time !== null) {
      if (parts.hasTime) return null;
      const [, hh, mm, ss, frac] = time;
      [parts.hour, parts.minute, parts.second, parts.ms, parts.hasTime] = [Number(hh), Number(mm), Number(ss ?? '0'), fractionMs(frac), true];
      continue;
    }
    const offset = OFFSET_TOKEN.exec(token);
    if (offset !== null && parts.hasTime) {
      const [, sign, hh, mm, sign2, h2] = offset;
      parts.offset = sign !== undefined ? offsetOf(sign, hh ?? '0', mm) : offsetOf(sign2 ?? '+', h2 ?? '0', undefined);
      if (parts.offset === null) return null;
      continue;
    }
    const named = NAMED_OFFSET_TOKEN.exec(token);
    if (named !== null) {
      const [, etc, sign, hh, mm] = named;
      // POSIX-style Etc/GMT+5 is five hours *behind* UTC.
      const minutes = offsetOf(etc === undefined ? (sign ?? '+') : sign === '+' ? '-' : '+', hh ?? '0', mm);
      if (minutes === null || zoneName !== null) return null;
      zoneName = minutes;
      continue;
    }
    if (token === 'am' || token === 'a.m' || token === '오전') { pm = false; continue; }
    if (token === 'pm' || token === 'p.m' || token === '오후') { pm = true; continue; }
    if (/^\d+$/.test(token)) { numbers.push(token); continue; }
    const bare = token.normalize('NFD').replace(/\p{M}/gu, '');
    const month = MONTHS.get(token) ?? MONTHS.get(bare);
    if (month !== undefined && !monthFromName && !numericDate) {
      [parts.month, monthFromName] = [month, true];
      continue;
    }
    const zone = token.startsWith('etc/') ? ZONE_MINUTES[token.slice(4)] : ZONE_MINUTES[token];
    // "at" is a word before the time ("May 25 at 14:03") and Atlantic time after it.
    if (zone !== undefined && (parts.hasTime || !FILLER.has(token))) {
      if (zoneName !== null) return null;
      zoneName = zone;
      continue;
    }
    if (WEEKDAYS.has(token) || WEEKDAYS.has(bare) || FILLER.has(token)) continue;
    const military = parts.hasTime ? militaryMinutes(token) : undefined;
    if (military !== undefined && zoneName === null) { zoneName = military; continue; }
    // An unknown zone name ending a date-time: the day is certain and the hour off by a few at
    // most; UTC is closer to the truth than the first-seen time.
    if (parts.hasTime && zoneName === null && parts.offset === null && index === tokens.length - 1 && /^[a-z]{2,5}$/.test(token)) { zoneName = 0; continue; }
    return null;
  }
  if (parts.offset === null) parts.offset = zoneName;
  // "+0900 (KST)" agrees; "GMT +0900" is an offset from GMT; "EST +0900" contradicts itself.
  else if (zoneName !== null && zoneName !== 0 && zoneName !== parts.offset) return null;

  if (numericDate) {
    if (numbers.length !== 0) return null;
  } else if (monthFromName) {
    // "10 Mar 2025", "Mar 10 2025", asctime "Nov 6 08:49:37 1994": the four-digit number is the year.
    if (numbers.length === 1 && numbers[0]?.length === 4) {
      [parts.year, parts.day] = [Number(numbers[0]), 1];
    } else if (numbers.length === 2) {
      const [a = '', b = ''] = numbers;
      const [day, year] = a.length === 4 && b.length <= 2 ? [b, a] : [a, b];
      if (day.length > 2 || (year.length !== 4 && year.length !== 2)) return null;
      parts.day = Number(day);
      parts.year = year.length === 2 ? (Number(year) < 50 ? 2000 : 1900) + Number(year) : Number(year);
    } else {
      return null;
    }
  } else {
    return null;
  }
  if (pm !== null) {
    if (!parts.hasTime || parts.hour < 1 || parts.hour > 12) {
      if (!(parts.hasTime && parts.hour > 12 && pm)) return null; // "오후 14:03" is written, and means 14:03
    } else if (pm && parts.hour !== 12) parts.hour += 12;
    else if (!pm && parts.hour === 12) parts.hour = 0;
  }
  return instantOf(parts, hint);
}

/**
 * Parses a feed date to epoch ms, or null when the text is not a date this reader can place on
 * the time line without guessing. Never uses the machine's time zone (see the module comment
 * for the forms and the zone rules).
 */
export function parseFeedDate(value: string | undefined | null, hint?: DateHint): number | null {
  const text = value?.replace(/[\s\u00a0\u200b\u3000]+/g, ' ').trim();
  if (text === undefined || text === '' || text.length > 200) return null;
  if (/^\d{4}(?:[-W]|\d{3}|$)/i.test(text)) {
    const iso = parseIso(text, hint);
    if (iso !== undefined) return iso;
  }
  return parseTokens(text, hint);
}
