import { createRequire } from 'node:module';

/**
 * discord.js and its REST client, loaded on first use (both are CommonJS, so a synchronous
 * `require` can load them where they are needed). discord.js costs ~0.5 s and ~25–45 MB
 * resident when loaded: a console-only or webhook-only deployment, and `once` or `run` without
 * DISCORD_TOKEN, never load it. Webhooks need only @discordjs/rest (which discord.js itself uses
 * underneath: the same classes, the same rate-limit handling). ADR 15.
 */
const load = createRequire(import.meta.url);

type DiscordJs = typeof import('discord.js');
type DiscordRest = typeof import('@discordjs/rest');

let discord: DiscordJs | undefined;
let rest: DiscordRest | undefined;

/** discord.js itself: only where a bot client is made or used. */
export function discordJs(): DiscordJs {
  discord ??= load('discord.js') as DiscordJs;
  return discord;
}

/** @discordjs/rest: webhooks, and the error classes every Discord request may throw. */
export function discordRest(): DiscordRest {
  rest ??= load('@discordjs/rest') as DiscordRest;
  return rest;
}
