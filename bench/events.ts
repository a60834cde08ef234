/**
 * Generated traffic for the events section: headlines of many events, each reported by a few
 * outlets in their own wording (and some in Korean or Ukrainian), and the arrival times of
 * sources for ordinary and breaking events (to choose the developing defaults).
 */
import { createRng } from './generate.js';

const SYLLABLES = ['ka', 'lo', 'ver', 'min', 'sa', 'tor', 'el', 'ri', 'dan', 'mo', 'qu', 'zen', 'pa', 'rik', 'vo', 'len', 'gar', 'is', 'ton', 'bel', 'cha', 'nu', 'wes', 'ha'];

/** A made-up word of 2 to 3 syllables: names and words enough that events do not collide by chance. */
function word(n: number, syllables: number): string {
  let out = '';
  for (let i = 0; i < syllables; i++) {
    out += SYLLABLES[n % SYLLABLES.length] ?? '';
    n = Math.floor(n / SYLLABLES.length) + i * 7;
  }
  return out;
}
const capital = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);
const PEOPLE = [...['Kim Jong Un', 'Zelensky', 'Putin', 'Kim Yo Jong', 'Lavrov'], ...Array.from({ length: 600 }, (_, i) => `${capital(word(i * 31 + 5, 2))} ${capital(word(i * 17 + 3, 3))}`)];
const PLACES = [...['Kyiv', 'Kharkiv', 'Odesa', 'Seoul', 'Pyongyang', 'East Sea'], ...Array.from({ length: 3_000 }, (_, i) => capital(word(i * 13 + 11, 3)))];
const VOCABULARY = Array.from({ length: 4_000 }, (_, i) => word(i * 7 + 1, i % 2 === 0 ? 2 : 3));
const EVENTS = [
  ['fires ballistic missile near', 'launches missile toward', 'test-fires missiles off'],
  ['drone attack hits', 'drones strike', 'shahed drones target'],
  ['meets officials in', 'holds talks in', 'visits'],
  ['announces new aid for', 'pledges support for', 'unveils package for'],
  ['earthquake shakes', 'quake strikes', 'tremor felt in'],
  ['power outage hits', 'blackout in', 'energy infrastructure damaged in'],
  ['election campaign opens in', 'votes counted in', 'election results in'],
  ['protest held in', 'rally draws crowds in', 'demonstrators gather in'],
] as const;
const TAILS = ['officials say', 'reports', 'military says', 'according to local authorities', 'live updates', 'what we know', '', '', ''];

/** One event: its reports' headlines (the first is the original wording). */
export function eventHeadlines(seed: number, event: number, reports: number): string[] {
  const rng = createRng(seed * 7_919 + event * 104_729);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
  const who = pick(PEOPLE);
  const where = pick(PLACES);
  const kind = pick(EVENTS);
  // A detail of its own keeps events of the same kind and place apart, as real ones are.
  const detail = `${pick(['after', 'amid', 'before', 'despite'])} ${pick(VOCABULARY)} ${pick(VOCABULARY)}`;
  return Array.from({ length: reports }, (_, i) => {
    const verb = kind[i % kind.length] ?? kind[0];
    const tail = pick(TAILS);
    return i % 2 === 0 ? `${who} ${verb} ${where} ${detail}${tail ? `, ${tail}` : ''}` : `${where}: ${verb} ${detail} as ${who} ${tail || 'comments'}`;
  });
}

/** Arrival times (ms after the first report) of an event's sources. */
export interface SourceArrivals {
  readonly breaking: boolean;
  readonly offsets: readonly number[];
}

/**
 * A day of events as sources report them. Ordinary events: 1 + geometric(0.45) sources, each
 * after an exponential delay of mean 90 minutes. Breaking events (1 in 150): 6 to 12 sources,
 * mean delay 8 minutes. Both shapes follow what wire and outlet feeds do: a wire story is picked
 * up over hours; a breaking one by most outlets within a quarter hour.
 */
export function dayOfArrivals(seed: number, events: number): SourceArrivals[] {
  const rng = createRng(seed);
  const exp = (mean: number): number => -Math.log(1 - rng()) * mean;
  return Array.from({ length: events }, () => {
    const breaking = rng() < 1 / 150;
    let sources = 1;
    if (breaking) sources = 6 + Math.floor(rng() * 7);
    else while (rng() < 0.45 && sources < 30) sources++;
    const mean = (breaking ? 8 : 90) * 60_000;
    const offsets = [0, ...Array.from({ length: sources - 1 }, () => exp(mean))];
    return { breaking, offsets };
  });
}
