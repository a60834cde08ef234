import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import { ALL_TOPICS } from '../core/route.js';
import type { Target } from '../core/types.js';
import type { Store } from '../store/index.js';
import type { NewSubscription, StoredSubscription } from '../store/subscriptions.js';

/** `created_by` of the subscriptions Watchfloor makes by itself. */
export const AUTOMATIC = 'default';
/** Default maximum age of an alerted story, by published time. */
export const DEFAULT_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** The digest schedule of the automatic console subscription: every day at 08:00 UTC. */
export const DEFAULT_DIGEST_SCHEDULE = '0 8 * * *';

/** Where alerts go when nobody subscribed anything: what the configuration implies. */
export interface DefaultPlan {
  readonly subscriptions: readonly NewSubscription[];
  /** For people: `check`, the log. */
  readonly says: string;
}

/**
 * The automatic subscriptions the configuration calls for: `DISCORD_WEBHOOK_URL` gets instant
 * alerts for every topic; with neither a webhook nor a token, the console gets alerts and a daily
 * 08:00 UTC digest; with a token only, nothing (the bot does not know which channel).
 */
export function defaultPlan(env: Pick<Env, 'DISCORD_WEBHOOK_URL' | 'DISCORD_TOKEN'>, options: { consoleOnly?: boolean; now: number }): DefaultPlan {
  const base = { topics: [ALL_TOPICS], timezone: 'UTC', minScore: 0, mentionRoleId: null, maxAgeMs: DEFAULT_MAX_AGE_MS, createdAt: options.now, createdBy: AUTOMATIC, postEmptyDigest: false } as const;
  if (env.DISCORD_WEBHOOK_URL && !options.consoleOnly) {
    return {
      subscriptions: [{ ...base, target: { kind: 'webhook', url: env.DISCORD_WEBHOOK_URL }, mode: 'instant', schedule: null }],
      says: 'DISCORD_WEBHOOK_URL gets instant alerts for every topic (automatic, until you add a subscription)',
    };
  }
  if (!env.DISCORD_TOKEN || options.consoleOnly) {
    return {
      subscriptions: [
        { ...base, target: { kind: 'console' }, mode: 'instant', schedule: null },
        { ...base, target: { kind: 'console' }, mode: 'digest', schedule: DEFAULT_DIGEST_SCHEDULE },
      ],
      says: 'the console gets alerts and a daily 08:00 UTC digest (automatic, until you add a subscription)',
    };
  }
  return {
    subscriptions: [],
    says: 'nowhere: DISCORD_TOKEN is set but no subscription names a channel; add one with `watchfloor subscribe --channel <id> --topics all` or `/watch add`',
  };
}

function sameTarget(a: Target, b: Target): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'webhook' && b.kind === 'webhook') return a.url === b.url;
  if (a.kind === 'channel' && b.kind === 'channel') return a.channelId === b.channelId;
  return true;
}

const sameKind = (a: Pick<NewSubscription, 'target' | 'mode' | 'schedule'>, b: Pick<NewSubscription, 'target' | 'mode' | 'schedule'>): boolean =>
  sameTarget(a.target, b.target) && a.mode === b.mode && a.schedule === b.schedule;

/**
 * Makes the automatic subscriptions follow the configuration, under the write lock (two
 * processes starting at once do it once): none as soon as anyone subscribed something (they would
 * post everything a second time), else exactly the plan. Automatic subscriptions that still fit
 * are kept, with their digest times and messages; the others are removed, with their unsent
 * messages.
 */
export function reconcileDefaults(store: Store, plan: DefaultPlan, log?: Logger): { added: StoredSubscription[]; removed: StoredSubscription[] } {
  return store.transaction(() => {
    const all = store.subscriptions.list();
    const automatic = all.filter((s) => s.createdBy === AUTOMATIC);
    const chosen = all.length > automatic.length || store.subscriptions.unreadableRows().length > 0;
    const wanted = chosen ? [] : plan.subscriptions;
    const removed = automatic.filter((s) => !wanted.some((w) => sameKind(w, s)));
    const added: StoredSubscription[] = [];
    for (const s of removed) store.subscriptions.remove(s.id);
    for (const w of wanted) if (!automatic.some((s) => sameKind(w, s))) added.push(store.subscriptions.add(w));
    if (removed.length > 0) {
      const why = chosen ? 'you have subscriptions of your own now' : 'the configuration changed';
      log?.info({ subscription_ids: removed.map((s) => s.id) }, `automatic subscriptions removed: ${why}`);
    }
    if (added.length > 0) log?.info({ subscription_ids: added.map((s) => s.id) }, `no subscriptions of your own: ${plan.says}`);
    if (!chosen && wanted.length === 0 && (added.length > 0 || removed.length > 0 || automatic.length === 0)) log?.warn(`no subscriptions: alerts go ${plan.says}`);
    return { added, removed };
  });
}
