import { describe, expect, it } from 'vitest';
import { RATING_LIMITS } from '../../../src/discord/feedback.js';
import { commandInteraction, interact, PERMISSIONS, replyText, sub } from '../../helpers/fake-interactions.js';
import { makeStory } from '../../helpers/stories.js';
import { GUILD_A, useHarness, WHO_A, WHO_B } from './harness.js';

const h = useHarness();

const ROUNDUPS = ['Morning briefing: Kyiv, markets and more', 'Key events: Ukraine latest on day 410', 'Evening briefing: Kyiv key events in brief', 'Ukraine briefing: what we know on day 88', 'Recap: Kyiv at a glance this week', 'Key events: Kyiv latest on day 300'];
const EVENTS = ['Russian drones hit Kharkiv power station overnight', 'Ukraine signs air defence deal with Germany', 'Zelensky visits front line near Pokrovsk', 'Ukraine reports counteroffensive gains near Kherson', 'Explosions shake Odesa as air raid sirens sound in Ukraine', 'Ukraine power grid operator orders blackouts after strikes'];

/** Server A's members rate twelve Ukraine stories: the roundups 👎, the rest 👍. */
function rateInA(): void {
  const now = Date.now();
  [...ROUNDUPS, ...EVENTS].forEach((title, i) => {
    const story = makeStory({ title, summary: 'Officials said damage was being assessed.', publishedAt: now - 3_600_000, firstSeenAt: now - 3_600_000 });
    const classification = h.deps.classify(story);
    const { rowid } = h.store.stories.insert(story, classification);
    const v = classification.verdicts.find((x) => x.topic === 'ukraine');
    h.store.feedback.record({ guildId: GUILD_A, memberId: i % 2 === 0 ? '710000000000000001' : '710000000000000002', storyRowid: rowid, topic: 'ukraine', rating: i < ROUNDUPS.length ? -1 : 1, matchedThen: v?.matched ?? false, scoreThen: v?.score ?? 0, source: 'reaction', now }, RATING_LIMITS);
  });
}

describe('GIVEN a server whose members rated Ukraine stories', () => {
  it('THEN /watch tune shows the counts and what moved, to managers only, and reset:true forgets it', async () => {
    rateInA();
    const refused = await interact(h.fake, commandInteraction({ ...WHO_A, permissions: PERMISSIONS.member }, 'watch', sub('tune', { topic: 'ukraine' })));
    expect(refused.ephemeral).toBe(true);
    expect(replyText(refused.message)).toContain('Manage Server');

    const shown = await interact(h.fake, commandInteraction(WHO_A, 'watch', sub('tune', { topic: 'ukraine' })));
    expect(shown.ephemeral).toBe(true);
    const text = replyText(shown.message);
    expect(text).toContain('What this server taught: Ukraine');
    expect(text).toContain('6 👍 · 6 👎 · 2 members');
    expect(text).toContain('Applied to this server');
    expect(text).toMatch(/⬇️ word "brief\w*" -\d/u);
    expect(text).toContain('Recent stories decided differently');

    // Another server taught nothing, and sees nothing of A's.
    const other = await interact(h.fake, commandInteraction(WHO_B, 'watch', sub('tune', { topic: 'ukraine' })));
    expect(replyText(other.message)).toContain('Nobody in this server has rated Ukraine stories yet');

    const reset = await interact(h.fake, commandInteraction(WHO_A, 'watch', sub('tune', { topic: 'ukraine', reset: true })));
    expect(replyText(reset.message)).toContain('Forgot 12 ratings');
    expect(h.store.feedback.list(GUILD_A)).toEqual([]);
  });

  it("THEN /news explain shows the server's adjustment as its own line, in that server only", async () => {
    rateInA();
    const title = 'Evening briefing: Ukraine key events and more';
    const inA = await interact(h.fake, commandInteraction(WHO_A, 'news', sub('explain', { text: title })));
    expect(replyText(inA.message)).toMatch(/This server's ratings \(this server only\): .*Ukraine [\d.]+ → -?[\d.]+ \(now not matched\)/u);
    const inB = await interact(h.fake, commandInteraction(WHO_B, 'news', sub('explain', { text: title })));
    expect(replyText(inB.message)).not.toContain("This server's ratings");
  });
});
