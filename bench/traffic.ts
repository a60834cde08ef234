/**
 * Generated news traffic with a daily cycle, for the surge tests and the bench: hourly counts of
 * matched stories per topic, Poisson noise around a rate that swings 4× between night and the
 * afternoon peak (UTC), from a seeded generator so every run sees the same stories.
 */

import { createRng } from './generate.js';

const HOUR_MS = 3_600_000;

/** A Poisson draw (Knuth; fine for the small rates here). */
export function poisson(rate: number, random: () => number): number {
  const limit = Math.exp(-rate);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** Peak stories per hour of each generated topic; the night low is a quarter of it. */
export const TRAFFIC_PEAKS: Readonly<Record<string, number>> = { ukraine: 8, 'north-korea': 4, 'south-korea': 2 };

/** The expected stories in the UTC hour `hourOfDay` for a topic peaking at `peak` (peak at 14:00, low at 02:00). */
export function rateAt(peak: number, hourOfDay: number): number {
  const phase = Math.cos(((hourOfDay - 14) / 24) * 2 * Math.PI); // 1 at 14:00, −1 at 02:00
  return peak * (0.25 + 0.75 * (phase + 1) / 2);
}

export interface TrafficHour {
  readonly topic: string;
  /** Start of the UTC hour. */
  readonly hour: number;
  readonly count: number;
}

/** `hours` hours of traffic from `start` (an hour start), per topic of TRAFFIC_PEAKS. */
export function generateTraffic(start: number, hours: number, seed: number): TrafficHour[] {
  const random = createRng(seed);
  const out: TrafficHour[] = [];
  for (let h = 0; h < hours; h++) {
    const hour = start + h * HOUR_MS;
    const hourOfDay = new Date(hour).getUTCHours();
    for (const [topic, peak] of Object.entries(TRAFFIC_PEAKS)) out.push({ topic, hour, count: poisson(rateAt(peak, hourOfDay), random) });
  }
  return out;
}
