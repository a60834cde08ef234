import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A fake Discord on loopback for the real discord.js client: REST under /api/v10 and the
 * gateway on the same port. It records every request, keeps channels, messages and webhooks,
 * honours message nonces with `enforce_nonce`, and can inject 429s and 5xx.
 *
 * Extend it rather than fork it: `route()` adds or overrides REST handlers, `dispatch()` sends
 * any gateway event, and `onRequest()` observes requests as they arrive.
 */

export const FAKE_TOKEN = 'fake-bot-token';
export const FAKE_APPLICATION_ID = '100000000000000001';
export const FAKE_BOT_USER_ID = '100000000000000002';

export interface RecordedRequest {
  readonly method: string;
  /** Decoded path without the `/api/v10` prefix, e.g. `/channels/1/messages`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON (or `payload_json` of a multipart body); null when empty. */
  readonly body: unknown;
  /** Files of a multipart body (`files[n]`), in order; empty for JSON bodies. */
  readonly files: readonly RecordedFile[];
  /** Status the fake answered with (set once answered). */
  status: number | null;
}

/** One uploaded file of a multipart request. */
export interface RecordedFile {
  /** The form field, e.g. `files[0]`. */
  readonly field: string;
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface FakeChannel {
  readonly id: string;
  readonly guildId: string;
  readonly name: string;
  /** Discord's permission overwrites (type 0 role, 1 member; allow/deny as bit strings). */
  readonly permissionOverwrites?: readonly { id: string; type: 0 | 1; allow: string; deny: string }[];
  /** Discord's channel type: 0 text (the default), 5 announcement, 15 forum, 16 media. */
  readonly type?: number;
  /** A forum's tags (`available_tags`): posts may carry up to 5 of them (`applied_tags`). */
  readonly availableTags?: readonly { id: string; name: string }[];
}

/** Forum and media channels: no messages of their own, only posts (threads with a starter message). */
export const FORUM_CHANNEL_TYPES: ReadonlySet<number> = new Set([15, 16]);

export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly channels: readonly FakeChannel[];
  readonly roles: readonly { id: string; name: string }[];
}

export interface StoredMessage {
  readonly id: string;
  readonly channelId: string;
  readonly webhookId: string | null;
  readonly nonce: string | number | null;
  readonly body: Record<string, unknown>;
}

/** A canned answer for the next request(s) matching `method` + `path` (a RegExp or exact path). */
export interface Injection {
  readonly method: string;
  readonly path: RegExp | string;
  readonly status: number;
  /** For 429: seconds to wait (sent as retry_after and X-RateLimit-Reset-After). */
  readonly retryAfterSeconds?: number;
  /**
   * Process the request first (store the message), then answer with the injected status:
   * models a response lost after Discord already posted.
   */
  readonly afterProcessing?: boolean;
  /** Never answer; the socket is left hanging until the client gives up or the fake closes. */
  readonly hang?: boolean;
}

export interface RouteContext {
  readonly request: RecordedRequest;
  readonly params: readonly string[];
  readonly fake: FakeDiscord;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

type Handler = (context: RouteContext) => RouteResult | Promise<RouteResult>;

interface RouteEntry {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: Handler;
}

let snowflakeCounter = 0n;
const DISCORD_EPOCH = 1_420_070_400_000n;
/** Snowflake ids as Discord's: the creation time in the top bits (so `after=` works), increasing. */
export function fakeSnowflake(): string {
  snowflakeCounter = (snowflakeCounter + 1n) % 4096n;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) + snowflakeCounter).toString();
}

export interface FakeDiscordOptions {
  readonly guilds?: readonly FakeGuild[];
  /** Webhooks by id: token and the channel they post into. */
  readonly webhooks?: readonly { id: string; token: string; channelId: string }[];
  /** Channels the bot may see but not post in (403 Missing Access). */
  readonly forbiddenChannels?: readonly string[];
  /** Channels whose message history the bot may not read (403 Missing Access on GET messages). */
  readonly unreadableChannels?: readonly string[];
  /** The shard count GET /gateway/bot recommends (default 1); shards may then identify at once. */
  readonly recommendedShards?: number;
}

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  readonly messages: StoredMessage[] = [];
  /** Every edit of a posted message (PATCH), in order. */
  readonly edits: { readonly messageId: string; readonly body: Record<string, unknown> }[] = [];
  readonly guilds: FakeGuild[];
  readonly webhooks: { id: string; token: string; channelId: string }[];
  readonly forbiddenChannels: Set<string>;
  readonly unreadableChannels: Set<string>;
  /** Application commands by scope key (`global` or a guild id). */
  readonly commands = new Map<string, Record<string, unknown>[]>();
  /** Every gateway IDENTIFY (op 2), in order, with the shard it named ([id, count]; null when none). */
  readonly identifies: { readonly shard: readonly [number, number] | null }[] = [];
  private readonly recommendedShards: number;
  private readonly routes: RouteEntry[] = [];
  private readonly injections: Injection[] = [];
  private readonly listeners: ((request: RecordedRequest) => void)[] = [];
  private readonly sockets = new Set<WebSocket>();
  private readonly hanging = new Set<ServerResponse>();
  private sequence = 0;
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  port = 0;

  constructor(options: FakeDiscordOptions = {}) {
    this.guilds = [...(options.guilds ?? [defaultGuild()])];
    this.webhooks = [...(options.webhooks ?? [])];
    this.forbiddenChannels = new Set(options.forbiddenChannels ?? []);
    this.unreadableChannels = new Set(options.unreadableChannels ?? []);
    this.recommendedShards = options.recommendedShards ?? 1;
    this.installDefaultRoutes();
  }

  /** The value for DISCORD_API_BASE / `rest.api`. */
  get apiBase(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (socket) => { this.onGateway(socket); });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const socket of this.sockets) socket.terminate();
    this.wss?.close();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server?.close(() => { resolve(); }));
    }
  }

  /** Adds (or overrides, when registered later) a REST handler. `pattern` matches the path after /api/v10. */
  route(method: string, pattern: RegExp, handler: Handler): void {
    this.routes.unshift({ method, pattern, handler });
  }

  /** Queues canned answers; each matching request consumes one. */
  inject(...injections: Injection[]): void {
    this.injections.push(...injections);
  }

  /** Calls `listener` for each request as it arrives (before it is answered). */
  onRequest(listener: (request: RecordedRequest) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves with the first request (past or future) that satisfies `predicate`. */
  waitForRequest(predicate: (request: RecordedRequest) => boolean): Promise<RecordedRequest> {
    const seen = this.requests.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => { this.onRequest((r) => { if (predicate(r)) resolve(r); }); });
  }

  /** Sends a gateway dispatch (op 0) to every connected client. */
  dispatch(event: string, data: unknown): void {
    for (const socket of this.sockets) this.sendGateway(socket, { op: 0, t: event, s: ++this.sequence, d: data });
  }

  /** Requests that posted a message (channel or webhook). */
  messageRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && (/^\/channels\/\d+\/messages$/.test(r.path) || /^\/webhooks\/\d+\/[^/]+$/.test(r.path)));
  }

  messagesIn(channelId: string): StoredMessage[] {
    return this.messages.filter((m) => m.channelId === channelId);
  }

  findChannel(id: string): FakeChannel | undefined {
    for (const guild of this.guilds) {
      const channel = guild.channels.find((c) => c.id === id);
      if (channel) return channel;
    }
    return this.threads.find((t) => t.id === id);
  }

  /** Threads started from a message (their id is the message's), with the channel they hang in. */
  readonly threads: (FakeChannel & { readonly parentId: string; readonly threadName: string; readonly appliedTags?: readonly string[]; readonly ownerId?: string })[] = [];

  /** Forum posts (threads of a forum or media channel), in creation order. */
  postsIn(forumId: string): (FakeChannel & { readonly parentId: string; readonly threadName: string; readonly appliedTags?: readonly string[] })[] {
    return this.threads.filter((t) => t.parentId === forumId);
  }
  /** Channels where the bot may not start threads (403 Missing Permissions). */
  readonly noThreadChannels = new Set<string>();

  /**
   * Posts a message as Discord would: with `enforce_nonce`, a nonce already used in this
   * channel returns the first message instead of posting again.
   */
  createMessage(channelId: string, body: Record<string, unknown>, webhookId: string | null): { message: Record<string, unknown>; created: boolean } {
    const nonce = typeof body.nonce === 'string' || typeof body.nonce === 'number' ? body.nonce : null;
    if (nonce !== null && body.enforce_nonce === true) {
      const earlier = this.messages.find((m) => m.channelId === channelId && m.nonce === nonce);
      if (earlier) return { message: this.messageObject(earlier), created: false };
    }
    const stored: StoredMessage = { id: fakeSnowflake(), channelId, webhookId, nonce, body };
    this.messages.push(stored);
    this.dispatch('MESSAGE_CREATE', this.messageObject(stored));
    return { message: this.messageObject(stored), created: true };
  }

  /** Edits a stored message in place, as Discord's PATCH does (fields left out stay as they were). */
  editMessage(m: StoredMessage, body: Record<string, unknown>): Record<string, unknown> {
    const edited: StoredMessage = { ...m, body: { ...m.body, ...body } };
    this.messages[this.messages.indexOf(m)] = edited;
    this.edits.push({ messageId: m.id, body });
    this.dispatch('MESSAGE_UPDATE', this.messageObject(edited));
    return this.messageObject(edited);
  }

  messageObject(m: StoredMessage): Record<string, unknown> {
    const channel = this.findChannel(m.channelId);
    return {
      id: m.id,
      type: 0,
      channel_id: m.channelId,
      ...(channel ? { guild_id: channel.guildId } : {}),
      ...(m.webhookId ? { webhook_id: m.webhookId } : {}),
      author: m.webhookId
        ? { id: m.webhookId, username: 'Watchfloor', discriminator: '0000', avatar: null, bot: true }
        : botUser(),
      content: typeof m.body.content === 'string' ? m.body.content : '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: Array.isArray(m.body.embeds) ? m.body.embeds : [],
      pinned: false,
      flags: 0,
      components: [],
      ...(m.nonce !== null ? { nonce: m.nonce } : {}),
    };
  }

  /** A thread as Discord returns it: type 11 (public), with its parent, owner and applied tags. */
  threadObject(t: FakeChannel & { readonly parentId: string; readonly appliedTags?: readonly string[]; readonly ownerId?: string }): Record<string, unknown> {
    return {
      ...channelObject(t),
      type: 11,
      parent_id: t.parentId,
      owner_id: t.ownerId ?? FAKE_BOT_USER_ID,
      applied_tags: t.appliedTags ?? [],
      message_count: this.messagesIn(t.id).length,
      member_count: 1,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false, create_timestamp: new Date().toISOString() },
    };
  }

  private installDefaultRoutes(): void {
    const bot = (handler: Handler): Handler => (ctx) => {
      if (ctx.request.headers.authorization !== `Bot ${FAKE_TOKEN}`) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
      return handler(ctx);
    };
    this.route('GET', /^\/gateway\/bot$/, bot(() => ({
      status: 200,
      body: { url: `ws://127.0.0.1:${this.port}`, shards: this.recommendedShards, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: this.recommendedShards > 1 ? 16 : 1 } },
    })));
    this.route('GET', /^\/gateway$/, () => ({ status: 200, body: { url: `ws://127.0.0.1:${this.port}` } }));
    this.route('GET', /^\/channels\/(\d+)$/, bot(({ params }) => {
      const channel = this.findChannel(params[0] ?? '');
      if (!channel) return unknown('Unknown Channel', 10003);
      return { status: 200, body: channelObject(channel) };
    }));
    this.route('POST', /^\/channels\/(\d+)\/messages$/, bot(({ params, request }) => {
      const channelId = params[0] ?? '';
      if (!this.findChannel(channelId)) return unknown('Unknown Channel', 10003);
      if (this.forbiddenChannels.has(channelId)) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
      // A forum has no messages of its own: only posts, and messages inside them.
      if (FORUM_CHANNEL_TYPES.has(this.findChannel(channelId)?.type ?? 0)) return { status: 400, body: { message: 'Cannot send messages in a non-text channel', code: 50008 } };
      const invalid = validateMessageBody(request.body);
      if (invalid) return invalid;
      return { status: 200, body: this.createMessage(channelId, asRecord(request.body), null).message };
    }));
    // Start Thread from Message: one thread per message, with the message's id; a second try is 400 160004.
    this.route('POST', /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/, bot(({ params, request }) => {
      const [channelId = '', messageId = ''] = params;
      const parent = this.findChannel(channelId);
      if (!parent) return unknown('Unknown Channel', 10003);
      if (this.noThreadChannels.has(channelId)) return { status: 403, body: { message: 'Missing Permissions', code: 50013 } };
      if (!this.messages.some((m) => m.channelId === channelId && m.id === messageId)) return unknown('Unknown Message', 10008);
      if (this.threads.some((t) => t.id === messageId)) return { status: 400, body: { message: 'A thread has already been created for this message', code: 160004 } };
      const requested = asRecord(request.body).name;
      const name = typeof requested === 'string' ? requested : '';
      const thread = { id: messageId, guildId: parent.guildId, name, parentId: channelId, threadName: name };
      this.threads.push(thread);
      return { status: 201, body: { ...channelObject(thread), type: 11, parent_id: channelId } };
    }));
    // Start Thread in Forum or Media Channel: a post (thread) with its starter message, whose id is the thread's.
    // Discord takes no nonce here. Name 1-100 characters, at most 5 applied tags, each one of the forum's.
    this.route('POST', /^\/channels\/(\d+)\/threads$/, bot(({ params, request }) => {
      const forumId = params[0] ?? '';
      const forum = this.findChannel(forumId);
      if (!forum) return unknown('Unknown Channel', 10003);
      if (this.forbiddenChannels.has(forumId)) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
      if (!FORUM_CHANNEL_TYPES.has(forum.type ?? 0)) return { status: 400, body: { message: 'fake Discord: only forum posts are modelled for POST /channels/:id/threads', code: 0 } };
      const body = asRecord(request.body);
      const name = typeof body.name === 'string' ? body.name : '';
      if (name.length < 1 || name.length > 100) return invalidForm('name', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
      const message = asRecord(body.message);
      if (Object.keys(message).length === 0) return invalidForm('message', 'BASE_TYPE_REQUIRED', 'This field is required');
      const invalid = validateMessageBody(message);
      if (invalid) return invalid;
      const tags = Array.isArray(body.applied_tags) ? body.applied_tags.map(String) : [];
      if (tags.length > 5) return invalidForm('applied_tags', 'BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
      if (tags.some((t) => !(forum.availableTags ?? []).some((a) => a.id === t))) return invalidForm('applied_tags', 'BASE_TYPE_CHOICES', 'Value is not a valid tag of this forum.');
      const id = fakeSnowflake();
      const thread = { id, guildId: forum.guildId, name, parentId: forumId, threadName: name, appliedTags: tags, ownerId: FAKE_BOT_USER_ID };
      this.threads.push(thread);
      const stored: StoredMessage = { id, channelId: id, webhookId: null, nonce: null, body: message };
      this.messages.push(stored);
      this.dispatch('MESSAGE_CREATE', this.messageObject(stored));
      return { status: 201, body: { ...this.threadObject(thread), message: this.messageObject(stored) } };
    }));
    // List Active Guild Threads: every thread of the server, forum posts included.
    this.route('GET', /^\/guilds\/(\d+)\/threads\/active$/, bot(({ params }) => ({
      status: 200,
      body: { threads: this.threads.filter((t) => t.guildId === params[0]).map((t) => this.threadObject(t)), members: [] },
    })));
    // Get Channel Message.
    this.route('GET', /^\/channels\/(\d+)\/messages\/(\d+)$/, bot(({ params }) => {
      const channelId = params[0] ?? '';
      if (!this.findChannel(channelId)) return unknown('Unknown Channel', 10003);
      if (this.unreadableChannels.has(channelId)) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
      const m = this.messages.find((x) => x.channelId === channelId && x.id === params[1]);
      return m ? { status: 200, body: this.messageObject(m) } : unknown('Unknown Message', 10008);
    }));
    // The bot's own reaction on a message (PUT …/reactions/:emoji/@me): recorded, answered 204.
    this.route('PUT', /^\/channels\/(\d+)\/messages\/(\d+)\/reactions\/([^/]+)\/@me$/, bot(({ params }) => {
      if (!this.findChannel(params[0] ?? '')) return unknown('Unknown Channel', 10003);
      if (!this.messages.some((m) => m.id === params[1])) return unknown('Unknown Message', 10008);
      return { status: 204 };
    }));
    // Newest first, at most `limit` (default 50), only those after the `after` id when given.
    this.route('GET', /^\/channels\/(\d+)\/messages$/, bot(({ params, request }) => {
      const channelId = params[0] ?? '';
      if (!this.findChannel(channelId)) return unknown('Unknown Channel', 10003);
      if (this.unreadableChannels.has(channelId)) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
      const after = typeof request.query.after === 'string' ? BigInt(request.query.after) : null;
      const limit = Math.min(100, Number(request.query.limit ?? 50));
      const list = this.messagesIn(channelId).filter((m) => after === null || BigInt(m.id) > after).reverse().slice(0, limit);
      return { status: 200, body: list.map((m) => this.messageObject(m)) };
    }));
    this.route('GET', /^\/webhooks\/(\d+)\/([^/]+)$/, ({ params }) => {
      const hook = this.webhooks.find((w) => w.id === params[0] && w.token === params[1]);
      if (!hook) return unknown('Unknown Webhook', 10015);
      const channel = this.findChannel(hook.channelId);
      return { status: 200, body: { id: hook.id, type: 1, token: hook.token, channel_id: hook.channelId, guild_id: channel?.guildId ?? null, name: 'Watchfloor', avatar: null, application_id: null } };
    });
    this.route('POST', /^\/webhooks\/(\d+)\/([^/]+)$/, ({ params, request }) => {
      const hook = this.webhooks.find((w) => w.id === params[0] && w.token === params[1]);
      if (!hook) return unknown('Unknown Webhook', 10015);
      const invalid = validateMessageBody(request.body);
      if (invalid) return invalid;
      const { message } = this.createMessage(hook.channelId, asRecord(request.body), hook.id);
      return request.query.wait === 'true' ? { status: 200, body: message } : { status: 204 };
    });
    // Interactions (slash commands): answered, recorded, and left for tests to assert on.
    this.route('POST', /^\/interactions\/(\d+)\/([^/]+)\/callback$/, () => ({ status: 204 }));
    this.route('GET', /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/, ({ params }) => {
      const m = this.messages.find((x) => x.webhookId === params[0] && (params[2] === '@original' || x.id === params[2]));
      return m ? { status: 200, body: this.messageObject(m) } : unknown('Unknown Message', 10008);
    });
    this.route('PATCH', /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/, ({ params, request }) => {
      // A message the webhook posted is edited in place; otherwise (an interaction's @original) recorded as before.
      const hook = this.webhooks.find((w) => w.id === params[0] && w.token === params[1]);
      const posted = hook ? this.messages.find((m) => m.webhookId === hook.id && m.id === params[2]) : undefined;
      if (hook && params[2] !== '@original') {
        if (!posted) return unknown('Unknown Message', 10008);
        return { status: 200, body: this.editMessage(posted, asRecord(request.body)) };
      }
      const { message } = this.createMessage('0', asRecord(request.body), params[0] ?? null);
      return { status: 200, body: message };
    });
    this.route('PATCH', /^\/channels\/(\d+)\/messages\/(\d+)$/, bot(({ params, request }) => {
      const posted = this.messages.find((m) => m.channelId === params[0] && m.id === params[1] && m.webhookId === null);
      if (!posted) return unknown('Unknown Message', 10008);
      return { status: 200, body: this.editMessage(posted, asRecord(request.body)) };
    }));
    this.route('DELETE', /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/, () => ({ status: 204 }));
    const commands = (scope: (params: readonly string[]) => string): { get: Handler; put: Handler } => ({
      get: bot(({ params }) => ({ status: 200, body: this.commands.get(scope(params)) ?? [] })),
      put: bot(({ params, request }) => {
        const list = (Array.isArray(request.body) ? request.body : []).map((c: unknown) => ({
          ...asRecord(c),
          id: fakeSnowflake(),
          application_id: FAKE_APPLICATION_ID,
          version: fakeSnowflake(),
        }));
        this.commands.set(scope(params), list);
        return { status: 200, body: list };
      }),
    });
    const global = commands(() => 'global');
    this.route('GET', /^\/applications\/(\d+)\/commands$/, global.get);
    this.route('PUT', /^\/applications\/(\d+)\/commands$/, global.put);
    const guild = commands((p) => p[1] ?? '');
    this.route('GET', /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, guild.get);
    this.route('PUT', /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/, guild.put);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ''));
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      ...(await parseBody(req, raw)),
      status: null,
    };
    this.requests.push(request);
    for (const listener of this.listeners) listener(request);

    const injectionIndex = this.injections.findIndex(
      (i) => i.method === request.method && (typeof i.path === 'string' ? i.path === path : i.path.test(path)),
    );
    const injection = injectionIndex >= 0 ? this.injections.splice(injectionIndex, 1)[0] : undefined;
    if (injection?.hang) {
      if (injection.afterProcessing) await this.answer(request, path);
      this.hanging.add(res);
      return;
    }
    if (injection && !injection.afterProcessing) {
      this.reply(res, request, injected(injection));
      return;
    }
    const result = await this.answer(request, path);
    this.reply(res, request, injection ? injected(injection) : result);
  }

  private async answer(request: RecordedRequest, path: string): Promise<RouteResult> {
    for (const route of this.routes) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(path);
      if (match) return route.handler({ request, params: match.slice(1), fake: this });
    }
    return { status: 404, body: { message: '404: Not Found', code: 0 } };
  }

  private reply(res: ServerResponse, request: RecordedRequest, result: RouteResult): void {
    request.status = result.status;
    const headers: Record<string, string> = { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4', 'x-ratelimit-reset-after': '1', 'x-ratelimit-bucket': 'fake-bucket', ...result.headers };
    if (result.body === undefined || result.status === 204) {
      res.writeHead(result.status, headers).end();
      return;
    }
    res.writeHead(result.status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(result.body));
  }

  private onGateway(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    this.sendGateway(socket, { op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null });
    socket.on('message', (data: Buffer) => {
      const payload: unknown = JSON.parse(data.toString('utf8'));
      const op = asRecord(payload).op;
      if (op === 1) this.sendGateway(socket, { op: 11, d: null, s: null, t: null });
      if (op === 2) this.identify(socket, shardOf(asRecord(asRecord(payload).d).shard));
    });
  }

  private identify(socket: WebSocket, shard: readonly [number, number] | null = null): void {
    this.identifies.push({ shard });
    const [shardId, shardCount] = shard ?? [0, 1];
    // Each guild is on shard (guild_id >> 22) % shard_count, as Discord routes them.
    const guilds = this.guilds.filter((g) => Number((BigInt(g.id) >> 22n) % BigInt(shardCount)) === shardId);
    this.sendGateway(socket, {
      op: 0,
      t: 'READY',
      s: ++this.sequence,
      d: {
        v: 10,
        user: botUser(),
        guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
        session_id: 'fake-session',
        resume_gateway_url: `ws://127.0.0.1:${this.port}`,
        application: { id: FAKE_APPLICATION_ID, flags: 0 },
        shard: [shardId, shardCount],
      },
    });
    for (const guild of guilds) this.sendGateway(socket, { op: 0, t: 'GUILD_CREATE', s: ++this.sequence, d: guildObject(guild) });
  }

  private sendGateway(socket: WebSocket, payload: unknown): void {
    socket.send(JSON.stringify(payload));
  }
}

/** The `shard` of an IDENTIFY payload, or null when absent or malformed. */
function shardOf(value: unknown): readonly [number, number] | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [id, count] = value as unknown[];
  return typeof id === 'number' && typeof count === 'number' ? [id, count] : null;
}

/** Starts a fake Discord on 127.0.0.1, port 0. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  return new FakeDiscord(options).start();
}

export const DEFAULT_GUILD_ID = '200000000000000001';
export const DEFAULT_CHANNEL_ID = '300000000000000001';
export const DEFAULT_ROLE_ID = '400000000000000001';

function defaultGuild(): FakeGuild {
  return {
    id: DEFAULT_GUILD_ID,
    name: 'Newsroom',
    channels: [{ id: DEFAULT_CHANNEL_ID, guildId: DEFAULT_GUILD_ID, name: 'alerts' }],
    roles: [{ id: DEFAULT_GUILD_ID, name: '@everyone' }, { id: DEFAULT_ROLE_ID, name: 'desk' }],
  };
}

function botUser(): Record<string, unknown> {
  return { id: FAKE_BOT_USER_ID, username: 'watchfloor', discriminator: '0', global_name: null, avatar: null, bot: true };
}

function channelObject(c: FakeChannel): Record<string, unknown> {
  const type = c.type ?? 0;
  const base = { id: c.id, type, guild_id: c.guildId, name: c.name, position: 0, permission_overwrites: c.permissionOverwrites ?? [], nsfw: false, parent_id: null, topic: null, last_message_id: null, rate_limit_per_user: 0 };
  if (!FORUM_CHANNEL_TYPES.has(type)) return base;
  return {
    ...base,
    flags: 0,
    available_tags: (c.availableTags ?? []).map((t) => ({ id: t.id, name: t.name, moderated: false, emoji_id: null, emoji_name: null })),
    default_reaction_emoji: null,
    default_thread_rate_limit_per_user: 0,
    default_sort_order: null,
    default_forum_layout: 0,
  };
}

/** Discord's 400 Invalid Form Body for one field. */
function invalidForm(field: string, code: string, message: string): RouteResult {
  return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { [field]: { _errors: [{ code, message }] } } } };
}

function guildObject(g: FakeGuild): Record<string, unknown> {
  return {
    id: g.id,
    name: g.name,
    icon: null,
    owner_id: '500000000000000001',
    unavailable: false,
    large: false,
    member_count: 1,
    joined_at: new Date().toISOString(),
    roles: g.roles.map((r, i) => ({ id: r.id, name: r.name, color: 0, colors: { primary_color: 0, secondary_color: null, tertiary_color: null }, hoist: false, icon: null, unicode_emoji: null, position: i, permissions: '1024', managed: false, mentionable: true, flags: 0 })),
    channels: g.channels.map(channelObject),
    members: [],
    threads: [],
    presences: [],
    voice_states: [],
    emojis: [],
    stickers: [],
    features: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    premium_tier: 0,
    preferred_locale: 'en-US',
    afk_timeout: 300,
    afk_channel_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
  };
}

function unknown(message: string, code: number): RouteResult {
  return { status: 404, body: { message, code } };
}

function injected(injection: Injection): RouteResult {
  if (injection.status === 429) {
    const seconds = injection.retryAfterSeconds ?? 0.05;
    return {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: seconds, global: false },
      headers: {
        'retry-after': String(Math.ceil(seconds)),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': String(seconds),
        'x-ratelimit-bucket': 'fake-bucket',
        'x-ratelimit-scope': 'user',
      },
    };
  }
  return { status: injection.status, body: { message: `injected ${injection.status}`, code: 0 } };
}

/** The checks Discord makes that discord.js does not: nonce length. */
function validateMessageBody(body: unknown): RouteResult | null {
  const nonce = asRecord(body).nonce;
  if (typeof nonce === 'string' && nonce.length > 25) {
    return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { nonce: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }] } } } };
  }
  return null;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

async function parseBody(req: IncomingMessage, raw: Buffer): Promise<{ body: unknown; files: RecordedFile[] }> {
  if (raw.length === 0) return { body: null, files: [] };
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    // Deprecated for servers handling untrusted uploads; this fake only reads what discord.js sends.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    const form = await new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
    const json = form.get('payload_json');
    const files: RecordedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') continue;
      files.push({ field, name: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
    return { body: typeof json === 'string' ? JSON.parse(json) : null, files };
  }
  const text = raw.toString('utf8');
  try {
    return { body: JSON.parse(text), files: [] };
  } catch {
    return { body: text, files: [] };
  }
}

/** A webhook of the default server, posting into its own channel (`#hooked`). */
export const TEST_WEBHOOK = {
  id: '600000000000000001',
  token: 'w'.repeat(68),
  channelId: '300000000000000002',
  get url(): string {
    return `https://discord.com/api/webhooks/${this.id}/${this.token}`;
  },
} as const;

/** A fake Discord with the default server, plus a channel its webhook {@link TEST_WEBHOOK} posts into. */
export function startFakeDiscordWithWebhook(options: Omit<FakeDiscordOptions, 'guilds' | 'webhooks'> = {}): Promise<FakeDiscord> {
  const guild = defaultGuild();
  return startFakeDiscord({
    ...options,
    guilds: [{ ...guild, channels: [...guild.channels, { id: TEST_WEBHOOK.channelId, guildId: DEFAULT_GUILD_ID, name: 'hooked' }] }],
    webhooks: [{ id: TEST_WEBHOOK.id, token: TEST_WEBHOOK.token, channelId: TEST_WEBHOOK.channelId }],
  });
}
