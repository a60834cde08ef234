import type { FakeDiscord } from './fake-discord.js';

/** How many messages each story got in a channel of the fake Discord (by its link in the embed). */
export function postsPerStory(fake: FakeDiscord, channelId: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of fake.messagesIn(channelId)) {
    const url = (message.body.embeds as { url?: string }[] | undefined)?.[0]?.url ?? '?';
    counts.set(url, (counts.get(url) ?? 0) + 1);
  }
  return counts;
}

/**
 * Waits until each channel holds at least `count` messages (or `timeoutMs` passed), then a little
 * longer: anything a second process would post twice arrives within a tick or two.
 */
export async function waitForPosts(fake: FakeDiscord, channels: readonly string[], count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (channels.every((channel) => fake.messagesIn(channel).length >= count)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 2_500));
}
