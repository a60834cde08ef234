import { join } from 'node:path';
import { createAnalyser } from '../../src/app/analyse.js';
import { loadClassifier, type Classifier } from '../../src/app/classifier.js';
import type { Delivery } from '../../src/app/delivery.js';
import { silentLogger } from '../../src/app/logger.js';
import { createPoller } from '../../src/app/pipeline.js';
import { normaliseItems } from '../../src/core/story.js';
import type { FeedConfig } from '../../src/core/types.js';
import { fetchFeed } from '../../src/feeds/fetch.js';
import { parseFeed } from '../../src/feeds/parse.js';
import type { Store } from '../../src/store/index.js';
import { DEFAULT_GUILD_ID, DEFAULT_ROLE_ID, type FakeChannel, type FakeGuild } from './fake-discord.js';
import { startFeedServer, type FeedServer } from './feed-server.js';

/**
 * Five outlets reporting one event, served as RSS on loopback, and a poller over them: the set-up
 * of the living-alert tests (one event, five sources, one in Korean).
 */
export const EVENT_OUTLETS = [
  { id: 'wire-a', name: 'Wire A', language: 'en', title: 'North Korea fires ballistic missile into East Sea, Seoul says' },
  { id: 'wire-b', name: 'Wire B', language: 'en', title: 'North Korea launches ballistic missile toward East Sea: JCS' },
  { id: 'daily-c', name: 'Daily C', language: 'en', title: 'Pyongyang fires ballistic missile into East Sea' },
  { id: 'ilbo-d', name: 'Ilbo D', language: 'ko', title: '북한, 동해상으로 탄도미사일 발사' },
  { id: 'times-e', name: 'Times E', language: 'en', title: 'Japan says North Korean missile fell in East Sea' },
] as const;

export type EventOutlet = (typeof EVENT_OUTLETS)[number];

/** Source names for delivery's `feedsById`. */
export const EVENT_OUTLET_SOURCES = new Map(EVENT_OUTLETS.map((o) => [o.id, { name: o.name, kind: 'outlet' as const }]));

function rss(outlet: EventOutlet, publishedAt: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${outlet.name}</title><link>https://${outlet.id}.example/</link><description>news</description>
<item><title>${outlet.title}</title><link>https://${outlet.id}.example/news/launch</link><guid>${outlet.id}-launch</guid><pubDate>${new Date(publishedAt).toUTCString()}</pubDate><description>The military said the launch happened this morning.</description></item>
</channel></rss>`;
}

/** A feed server with one route per outlet, each serving its report (published ten minutes ago), and the real classifier. */
export async function startEventOutlets(modelDir: string): Promise<{ server: FeedServer; classifier: Classifier; feeds: () => FeedConfig[] }> {
  const server = await startFeedServer();
  const published = Date.now() - 10 * 60_000;
  for (const outlet of EVENT_OUTLETS) {
    server.route(`/outlet/${outlet.id}`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      res.end(rss(outlet, published));
    });
  }
  const classifier = await loadClassifier({ rulesDir: join(import.meta.dirname, '../../rules'), modelPath: join(modelDir, 'model.json'), log: silentLogger() });
  const feeds = (): FeedConfig[] =>
    EVENT_OUTLETS.map((o) => ({ id: o.id, url: server.url(`/outlet/${o.id}`), name: o.name, language: o.language, kind: 'outlet', intervalMinutes: undefined, enabled: true, topics: [] }));
  return { server, classifier, feeds };
}

/** The poll cycle of `run`, over the outlets, routing into `delivery`. */
export function eventPoller(store: Store, classifier: Classifier, delivery: Delivery) {
  return createPoller({
    store,
    log: silentLogger(),
    clock: Date.now,
    random: () => 0,
    fetch: (f, validators) => fetchFeed(f.url, validators, { timeoutMs: 5000, idleTimeoutMs: 2000, maxBytes: 1 << 20, userAgent: 'watchfloor-test', blockPrivateAddresses: false, baseDir: '.' }),
    analyse: createAnalyser({ parse: parseFeed, normalise: normaliseItems }),
    classify: (input) => classifier.classify(input),
    route: delivery.route,
    whyNotAlerted: delivery.whyNotAlerted,
  });
}

/** The newsroom server of these tests with the given channels, and its `desk` role. */
export function newsroomGuild(channels: readonly Omit<FakeChannel, 'guildId'>[]): FakeGuild {
  return {
    id: DEFAULT_GUILD_ID,
    name: 'Newsroom',
    channels: channels.map((c) => ({ ...c, guildId: DEFAULT_GUILD_ID })),
    roles: [{ id: DEFAULT_GUILD_ID, name: '@everyone' }, { id: DEFAULT_ROLE_ID, name: 'desk' }],
  };
}
