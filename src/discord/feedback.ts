import {
  Events,
  MessageFlags,
  PermissionFlagsBits,
  type Client,
  type MessageReaction,
  type PartialMessageReaction,
  type PartialUser,
  type StringSelectMenuInteraction,
  type User,
} from 'discord.js';
import type { Logger } from 'pino';
import { parseDigestRatingId, parseDigestRatingValue } from '../core/feedback/digest.js';
import { ratedTopics, ratingOfEmoji } from '../core/feedback/topics.js';
import { ALL_TOPICS } from '../core/route.js';
import type { TopicVerdict } from '../core/types.js';
import type { FeedbackSource, RatingLimits, RecordOutcome } from '../store/feedback.js';
import type { RatingsPort } from '../store/ratings-port.js';
import type { StoredSubscription } from '../store/subscriptions.js';
import { NO_MENTIONS } from './interactions.js';

/** The reactions the bot adds under an alert, and reads as ratings. */
export { RATING_EMOJIS } from '../core/feedback/topics.js';

/**
 * Limits on one member's ratings in one server: at most 200 held at once (a member who rated
 * more has to take some back), at most 30 new or changed ratings per hour. A burst from one
 * account is refused, not learned from (docs/feedback.md).
 */
export const RATING_LIMITS: RatingLimits = Object.freeze({ maxPerMember: 200, maxPerWindow: 30, rateWindowMs: 60 * 60_000 });

export interface FeedbackDeps {
  /** Where ratings are recorded and their messages, stories and subscriptions read: SQLite or PostgreSQL (ADR 16). */
  readonly ratings: RatingsPort;
  readonly log: Logger;
  readonly clock: () => number;
  readonly limits?: RatingLimits;
}

/** Why a reaction or menu choice was not counted. */
export type Ignored = 'bot' | 'not-a-rating' | 'not-ours' | 'other-server' | 'no-access' | 'no-topic';

/** What became of one rating: the store's outcome (the least good one over its topics), or why it was ignored. */
export type RatingResult = { readonly outcome: RecordOutcome; readonly topics: readonly string[] } | { readonly ignored: Ignored };

const RANK: Readonly<Record<RecordOutcome, number>> = { 'rate-limited': 0, 'over-cap': 1, unchanged: 2, replaced: 3, stored: 4 };

/** Records one member's rating of one story for the given topics (CLI, reactions, menus). */
export async function rateStory(
  deps: Pick<FeedbackDeps, 'ratings' | 'clock' | 'limits'>,
  input: { guildId: string; memberId: string; storyRowid: number; verdicts: readonly TopicVerdict[]; rating: 1 | -1; source: FeedbackSource },
): Promise<RatingResult> {
  if (input.verdicts.length === 0) return { ignored: 'no-topic' };
  let worst: RecordOutcome = 'stored';
  for (const v of input.verdicts) {
    const outcome = await deps.ratings.record(
      { guildId: input.guildId, memberId: input.memberId, storyRowid: input.storyRowid, topic: v.topic, rating: input.rating, matchedThen: v.matched, scoreThen: v.score, source: input.source, now: deps.clock() },
      deps.limits ?? RATING_LIMITS,
    );
    if (RANK[outcome] < RANK[worst]) worst = outcome;
  }
  return { outcome: worst, topics: input.verdicts.map((v) => v.topic) };
}

async function channelSubscription(deps: FeedbackDeps, subscriptionId: number, guildId: string, channelId: string): Promise<StoredSubscription | null> {
  const subscription = await deps.ratings.subscription(subscriptionId);
  if (subscription?.target.kind !== 'channel') return null;
  if (subscription.target.guildId !== guildId || subscription.target.channelId !== channelId) return null;
  return subscription;
}

/** Whether a member can see a channel, by discord.js's permission computation from the gateway cache. */
function canView(client: Client, channelId: string, userId: string): boolean {
  const channel = client.channels.cache.get(channelId);
  if (!channel || channel.isDMBased()) return false;
  return channel.permissionsFor(userId)?.has(PermissionFlagsBits.ViewChannel) ?? false;
}

/**
 * A 👍/👎 added to (or taken off) an alert the bot posted. Counted only from a member who can see
 * the channel; the bot's own reactions and any other emoji are ignored. Removing a reaction
 * removes that rating (and only that one: taking 👎 off does not undo a 👍 given since).
 */
export async function handleReaction(client: Client, deps: FeedbackDeps, reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser, change: 'add' | 'remove'): Promise<RatingResult> {
  if (user.id === client.user?.id || user.bot) return { ignored: 'bot' };
  const rating = ratingOfEmoji(reaction.emoji.name);
  if (rating === null) return { ignored: 'not-a-rating' };
  const { guildId, channelId, id: messageId } = reaction.message;
  if (guildId === null) return { ignored: 'not-ours' };
  const sent = await deps.ratings.sentMessage(messageId);
  if (sent?.kind !== 'alert' || sent.storyRowid === null) return { ignored: 'not-ours' };
  const subscription = await channelSubscription(deps, sent.subscriptionId, guildId, channelId);
  if (!subscription) return { ignored: 'other-server' };
  if (change === 'remove') {
    const removed = await deps.ratings.remove({ guildId, memberId: user.id, storyRowid: sent.storyRowid, rating });
    return { outcome: removed > 0 ? 'replaced' : 'unchanged', topics: [] };
  }
  if (!canView(client, channelId, user.id)) return { ignored: 'no-access' };
  const verdicts = ratedTopics(subscription, await deps.ratings.verdicts(sent.storyRowid));
  return rateStory(deps, { guildId, memberId: user.id, storyRowid: sent.storyRowid, verdicts, rating, source: 'reaction' });
}

function menuReply(result: RatingResult, rating: 1 | -1, count: number, limits: RatingLimits): string {
  if ('ignored' in result) {
    switch (result.ignored) {
      case 'no-access':
        return 'Only members who can see this channel can rate its digests. Nothing was saved.';
      case 'not-ours':
      case 'other-server':
        return 'This menu belongs to a digest Watchfloor no longer knows (its subscription was removed). Nothing was saved.';
      default:
        return 'None of the chosen stories can be rated any more (they were removed). Nothing was saved.';
    }
  }
  switch (result.outcome) {
    case 'rate-limited':
      return `You have rated ${limits.maxPerWindow} stories in the last hour, the most one member may; try again later. Ratings made before this one were kept.`;
    case 'over-cap':
      return `You already hold ${limits.maxPerMember} ratings in this server, the most one member may. A server manager can clear old ones with \`/watch tune reset:true\`.`;
    default:
      return `Thanks: ${count} ${count === 1 ? 'story' : 'stories'} marked ${rating > 0 ? '👍 relevant' : '👎 not relevant'} for this server. Watchfloor learns this server's taste once enough members have rated; \`/watch tune\` shows what it learned.`;
  }
}

/** A choice in a digest's "Relevant / Not relevant" menu; answered privately. */
export async function handleDigestMenu(deps: FeedbackDeps, interaction: StringSelectMenuInteraction): Promise<RatingResult> {
  const id = parseDigestRatingId(interaction.customId);
  const limits = deps.limits ?? RATING_LIMITS;
  let result: RatingResult = { ignored: 'not-ours' };
  let count = 0;
  const guildId = interaction.guildId;
  if (id && guildId !== null) {
    const sent = await deps.ratings.sentMessage(interaction.message.id);
    const subscription = sent?.kind === 'digest' && sent.subscriptionId === id.subscriptionId ? await channelSubscription(deps, id.subscriptionId, guildId, interaction.channelId) : null;
    if (!subscription) result = { ignored: 'other-server' };
    else if (!(interaction.memberPermissions?.has(PermissionFlagsBits.ViewChannel) ?? false)) result = { ignored: 'no-access' };
    else {
      result = { ignored: 'no-topic' };
      for (const value of interaction.values) {
        const chosen = parseDigestRatingValue(value);
        if (!chosen) continue;
        if (!subscription.topics.includes(ALL_TOPICS) && !subscription.topics.includes(chosen.topic)) continue;
        // A story that is gone has no verdicts.
        const verdict = (await deps.ratings.verdicts(chosen.storyRowid)).find((v) => v.topic === chosen.topic);
        if (!verdict) continue;
        const one = await rateStory(deps, { guildId, memberId: interaction.user.id, storyRowid: chosen.storyRowid, verdicts: [verdict], rating: id.rating, source: 'digest' });
        if ('ignored' in one) continue;
        if (one.outcome !== 'rate-limited' && one.outcome !== 'over-cap') count++;
        if ('ignored' in result || RANK[one.outcome] < RANK[result.outcome]) result = one;
      }
    }
  }
  await interaction.reply({ content: menuReply(result, id?.rating ?? 1, count, limits), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  return result;
}

/**
 * Runs tasks with the same key one after another, in the order given (tasks with other keys run
 * alongside). A task's failure does not stop the next. Keys are forgotten once idle.
 */
export function keyedSerial(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(task);
    const tail = run.then(() => undefined, () => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

/**
 * Listens for ratings on `client`: reactions on alerts, choices in digest menus. Every outcome is
 * logged at debug level (who, which message, why ignored); failures to answer are logged as errors.
 */
export function attachFeedback(client: Client, deps: FeedbackDeps): void {
  // One member's reactions on one message are applied in the order Discord sent them: an add
  // reads more than a remove before it writes, so a quick 👍-then-take-back handled side by side
  // could write the add last and keep a rating the member had removed.
  const inOrder = keyedSerial();
  const onReaction = (change: 'add' | 'remove') => (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser): void => {
    inOrder(`${reaction.message.id}:${user.id}`, () => handleReaction(client, deps, reaction, user, change)).then(
      (result) => { deps.log.debug({ guild_id: reaction.message.guildId, message_id: reaction.message.id, user_id: user.id, change, ...result }, 'reaction rating'); },
      (error: unknown) => { deps.log.error({ err: error, message_id: reaction.message.id }, 'could not record a reaction rating'); },
    );
  };
  client.on(Events.MessageReactionAdd, onReaction('add'));
  client.on(Events.MessageReactionRemove, onReaction('remove'));
  client.on(Events.InteractionCreate, (interaction) => {
    if (!interaction.isStringSelectMenu() || parseDigestRatingId(interaction.customId) === null) return;
    handleDigestMenu(deps, interaction).then(
      (result) => { deps.log.debug({ guild_id: interaction.guildId, user_id: interaction.user.id, ...result }, 'digest rating'); },
      (error: unknown) => { deps.log.error({ err: error, guild_id: interaction.guildId }, 'could not answer a digest rating'); },
    );
  });
}
