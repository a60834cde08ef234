import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Events, type Client } from 'discord.js';
import { loadClassifier, type Classifier } from '../../../src/app/classifier.js';
import { parseSubscribeFlags } from '../../../src/app/commands/subscriptions.js';
import { attachSlashCommands, createFeedProbe } from '../../../src/app/slash-commands.js';
import { loadEnv } from '../../../src/config/env.js';
import type { FeedConfig } from '../../../src/core/types.js';
import { createDiscordClient } from '../../../src/discord/client.js';
import { createSearchSessions } from '../../../src/discord/commands/search-sessions.js';
import type { CommandDeps } from '../../../src/discord/commands/types.js';
import { createSqliteGatewayStore } from '../../../src/store/gateway-store.js';
import { createSqliteRatingsPort } from '../../../src/store/ratings-port.js';
import { createStore, type Store } from '../../../src/store/index.js';
import { FAKE_BOT_USER_ID, FAKE_TOKEN, startFakeDiscord, type FakeDiscord, type FakeGuild } from '../../helpers/fake-discord.js';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { messageBodyProblems } from '../../helpers/discord-schemas.js';
import { installInteractionRoutes, interactionBodyProblems, resolvedRole, type Who } from '../../helpers/fake-interactions.js';
import { capturingLogger } from '../../helpers/stories.js';
import { useTempDir } from '../../helpers/temp-dir.js';

/** The operator's feeds (as feeds.json would give them) in every command test. */
export const CONFIGURED_FEEDS: readonly FeedConfig[] = [
  { id: 'reuters', url: 'https://reuters.example/world.rss', name: 'Reuters', language: 'en', kind: 'wire', intervalMinutes: undefined, enabled: true, topics: [] },
  { id: 'ap', url: 'https://ap.example/top.rss', name: 'AP', language: 'en', kind: 'wire', intervalMinutes: undefined, enabled: true, topics: [] },
  { id: 'kcna', url: 'https://kcna.example/rss', name: 'KCNA Watch', language: 'en', kind: 'state-media', intervalMinutes: undefined, enabled: true, topics: [] },
];

export const GUILD_A = '210000000000000001';
export const CHANNEL_A = '310000000000000001';
export const GUILD_B = '220000000000000002';
export const CHANNEL_B = '320000000000000002';
export const ROLE_A = '410000000000000001';
/** A member of each test server, in its channel. */
export const WHO_A: Who = { guildId: GUILD_A, channelId: CHANNEL_A };
export const WHO_B: Who = { guildId: GUILD_B, channelId: CHANNEL_B };

export const TWO_GUILDS: FakeGuild[] = [
  { id: GUILD_A, name: 'Newsroom A', channels: [{ id: CHANNEL_A, guildId: GUILD_A, name: 'alerts' }], roles: [{ id: GUILD_A, name: '@everyone' }, { id: ROLE_A, name: 'desk' }] },
  { id: GUILD_B, name: 'Newsroom B', channels: [{ id: CHANNEL_B, guildId: GUILD_B, name: 'alerts' }], roles: [{ id: GUILD_B, name: '@everyone' }] },
];

/** GET /guilds/:id/roles as Discord answers it: the server's roles, or 404 for a server the bot is not in. */
function installGuildRolesRoute(fake: FakeDiscord): void {
  fake.route('GET', /^\/guilds\/(\d+)\/roles$/, ({ params, fake: f }) => {
    const guild = f.guilds.find((g) => g.id === params[0]);
    if (!guild) return { status: 404, body: { message: 'Unknown Guild', code: 10004 } };
    return { status: 200, body: guild.roles.map((r, i) => resolvedRole(r.id, r.name, i)) };
  });
}

let sharedClassifier: { dir: string; classifier: Classifier } | null = null;

/** The real classifier (rules/ and its training data), trained once per test file. */
export async function realClassifier(): Promise<Classifier> {
  if (sharedClassifier) return sharedClassifier.classifier;
  const dir = mkdtempSync(join(tmpdir(), 'watchfloor-model-'));
  const classifier = await loadClassifier({ rulesDir: join(import.meta.dirname, '../../../rules'), modelPath: join(dir, 'model.json'), log: capturingLogger().log });
  sharedClassifier = { dir, classifier };
  return classifier;
}

/** Removes the trained model's folder (afterAll). */
export function disposeClassifier(): void {
  if (sharedClassifier) rmSync(sharedClassifier.dir, { recursive: true, force: true });
  sharedClassifier = null;
}

export interface Harness {
  readonly fake: FakeDiscord;
  readonly client: Client;
  readonly store: Store;
  readonly deps: CommandDeps;
  readonly logs: ReturnType<typeof capturingLogger>;
  close(): Promise<void>;
}

/**
 * A fake Discord, a SQLite store, the real command dependencies (subscription validation of
 * the CLI, the real feed probe, the real classifier) and a logged-in discord.js client that
 * answers interactions through the real handler.
 */
export interface HarnessOptions {
  readonly dir: string;
  readonly guilds?: FakeGuild[];
  readonly allowPrivateFeeds?: boolean;
  readonly clock?: () => number;
  readonly overrides?: Partial<CommandDeps>;
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const fake = await startFakeDiscord({ guilds: options.guilds ?? TWO_GUILDS });
  installInteractionRoutes(fake);
  installGuildRolesRoute(fake);
  const store = createStore(join(options.dir, 'watchfloor.db'));
  const classifier = await realClassifier();
  const env = loadEnv({ DISCORD_TOKEN: FAKE_TOKEN, DISCORD_API_BASE: fake.apiBase, ALLOW_PRIVATE_FEEDS: options.allowPrivateFeeds ? 'true' : 'false', FETCH_TIMEOUT_MS: '3000', FETCH_IDLE_TIMEOUT_MS: '2000' });
  const logs = capturingLogger();
  const clock = options.clock ?? Date.now;
  const deps: CommandDeps = {
    gateway: createSqliteGatewayStore(store),
    ratings: createSqliteRatingsPort(store),
    log: logs.log,
    clock,
    startedAt: clock() - 90 * 60_000,
    topics: () => classifier.topics,
    classify: (input) => classifier.classify(input),
    configuredFeeds: () => CONFIGURED_FEEDS,
    parseSubscription: (flags, now) => parseSubscribeFlags(flags, classifier.topics.map((t) => t.id), env, now),
    probeFeed: createFeedProbe(env, clock),
    searches: createSearchSessions(),
    ...options.overrides,
  };
  const client = createDiscordClient(env, { offset: 0, timeout: 2_000 });
  attachSlashCommands(client, deps);
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => { resolve(); }));
  await client.login(FAKE_TOKEN);
  await ready;
  return {
    fake,
    client,
    store,
    deps,
    logs,
    async close() {
      await client.destroy();
      store.close();
      await fake.close();
    },
  };
}

/**
 * Whatever a test did, everything the bot sent must be valid for Discord, and no reply may ever
 * ping anyone. Command tests call it after each test.
 */
export function expectValidTraffic(fake: FakeDiscord): void {
  for (const request of fake.requests) expect(interactionBodyProblems(request), `${request.method} ${request.path}`).toEqual([]);
  for (const request of fake.messageRequests()) expect(messageBodyProblems(request)).toEqual([]);
  for (const request of fake.requests.filter((r) => r.path.includes('/interactions/') || r.path.includes('/webhooks/'))) {
    const body = request.body as { data?: { allowed_mentions?: unknown; content?: unknown }; allowed_mentions?: unknown; type?: number } | null;
    const message = body?.data ?? body;
    if (message && body?.type !== 5 && body?.type !== 8 && request.method !== 'DELETE') expect(message.allowed_mentions, `${request.method} ${request.path}`).toEqual({ parse: [] });
  }
}

/**
 * A fresh harness for every test of the file: started before each test in its own temporary
 * folder, checked with {@link expectValidTraffic} and closed after it; the shared classifier is
 * disposed after the file. The returned object always speaks for the current test's harness.
 */
export function useHarness(options: Omit<HarnessOptions, 'dir'> = {}): Harness {
  const tempDir = useTempDir();
  let current: Harness | null = null;
  beforeEach(async () => {
    current = await startHarness({ ...options, dir: tempDir() });
  });
  afterEach(async () => {
    const h = current;
    current = null;
    if (!h) return;
    try {
      expectValidTraffic(h.fake);
    } finally {
      await h.close();
    }
  });
  afterAll(() => {
    disposeClassifier();
  });
  const now = (): Harness => {
    if (!current) throw new Error('useHarness: the harness exists only inside a test (beforeEach → afterEach)');
    return current;
  };
  return {
    get fake() { return now().fake; },
    get client() { return now().client; },
    get store() { return now().store; },
    get deps() { return now().deps; },
    get logs() { return now().logs; },
    close: () => now().close(),
  };
}

/** The bot's own managed role in GUILD_A, as {@link giveBotRole} creates it. */
export const BOT_ROLE = '410000000000000009';

/** Tells the client (over the gateway, as Discord would) that the bot holds one role in GUILD_A with these permissions. */
export function giveBotRole(fake: FakeDiscord, permissions: bigint): void {
  fake.dispatch('GUILD_ROLE_CREATE', { guild_id: GUILD_A, role: { ...resolvedRole(BOT_ROLE, 'Watchfloor'), permissions: String(permissions), managed: true } });
  fake.dispatch('GUILD_MEMBER_ADD', {
    guild_id: GUILD_A,
    user: { id: FAKE_BOT_USER_ID, username: 'watchfloor', discriminator: '0', global_name: null, avatar: null, bot: true },
    roles: [BOT_ROLE],
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
  });
}
