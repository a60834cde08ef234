/**
 * Living alerts and developing notices (docs/adr/0012-living-alerts-and-developing-events.md).
 * Pure: times are parameters; every feed-derived string is escaped and fitted.
 */
import type { SourceInfo } from './alert.js';
import { discordTime } from './alert.js';
import { MAX_EMBED_TITLE_CHARS, MAX_EMBED_TOTAL_CHARS, MAX_FIELD_VALUE_CHARS } from './limits.js';
import { allowOnlyRole, totalEmbedChars, type Embed, type OutboundMessage } from './message.js';
import { cleanInline, fitLines, fitSafeText, maskedLink, safeHttpUrl } from './text.js';

/** The marker of the field a living alert adds; an update replaces it, never adds a second. */
export const ALSO_REPORTED_PREFIX = 'Also reported by';
/** A headline in the list is cut to this many characters, so a few reports fit in one field. */
const REPORT_HEADLINE_CHARS = 120;

/** One other report of an event, as a living alert lists it. */
export interface ReportLine {
  readonly feedId: string;
  readonly title: string;
  readonly url: string | null;
  /** When Watchfloor got the report (epoch ms). */
  readonly at: number;
}

function sourceName(feedId: string, sources: ReadonlyMap<string, SourceInfo>): string {
  return cleanInline(sources.get(feedId)?.name ?? feedId);
}

/** `**AP**: [headline](url) <t:…:R>` lines, newest first. */
function reportLines(reports: readonly ReportLine[], sources: ReadonlyMap<string, SourceInfo>): string[] {
  return [...reports]
    .sort((a, b) => b.at - a.at)
    .map((r) => `**${fitSafeText(sourceName(r.feedId, sources), 80)}**: ${maskedLink(fitSafeText(r.title, REPORT_HEADLINE_CHARS) || '(untitled)', safeHttpUrl(r.url))} ${discordTime(r.at, 'R')}`);
}

/** How many distinct outlets other than the alert's own source reported the event. */
export function otherOutlets(reports: readonly ReportLine[], alertFeedId: string): number {
  return new Set(reports.map((r) => r.feedId).filter((f) => f !== alertFeedId)).size;
}

/**
 * The full new state of an event's alert: the alert as first posted, with one field "Also
 * reported by N outlets" listing the other reports, newest first, within Discord's limits (the
 * field's 1024 characters, the message's 6000). An update never pings anyone (Discord does not
 * notify on edits; the mentions are emptied all the same).
 */
export function composeEventUpdate(input: {
  readonly alert: OutboundMessage;
  /** The source of the alert's own story: its other reports are not counted as other outlets. */
  readonly alertFeedId: string;
  /** The other reports (not the alert's own story). */
  readonly reports: readonly ReportLine[];
  readonly sources: ReadonlyMap<string, SourceInfo>;
}): OutboundMessage {
  const [first, ...rest] = input.alert.embeds;
  if (!first) return { ...input.alert, allowedMentions: allowOnlyRole(null) };
  const outlets = otherOutlets(input.reports, input.alertFeedId);
  const name = `${ALSO_REPORTED_PREFIX} ${outlets} ${outlets === 1 ? 'outlet' : 'outlets'}`;
  const fields = (first.fields ?? []).filter((f) => !f.name.startsWith(ALSO_REPORTED_PREFIX));
  const base: Embed = { ...first, fields };
  // Room left in the message for the field's value, at most a field's limit.
  const room = Math.min(MAX_FIELD_VALUE_CHARS, MAX_EMBED_TOTAL_CHARS - totalEmbedChars([base, ...rest]) - name.length);
  const value = room > 20 ? fitLines(reportLines(input.reports, input.sources), room) : '';
  const embed: Embed = value ? { ...base, fields: [...fields, { name, value }] } : base;
  return { ...input.alert, embeds: [embed, ...rest], allowedMentions: allowOnlyRole(null) };
}

/**
 * The 🚨 Developing notice: a separate message, clearly marked, that may ping the
 * subscription's role (and only that role).
 */
export function composeDevelopingNotice(input: {
  readonly title: string;
  readonly url: string | null;
  readonly reports: readonly ReportLine[];
  readonly windowMinutes: number;
  readonly sources: ReadonlyMap<string, SourceInfo>;
  readonly color: number;
  readonly mentionRoleId: string | null;
}): OutboundMessage {
  const outlets = new Set(input.reports.map((r) => r.feedId)).size;
  const url = safeHttpUrl(input.url);
  const embed: Embed = {
    title: `🚨 Developing: ${fitSafeText(input.title, MAX_EMBED_TITLE_CHARS - 16) || '(untitled)'}`,
    ...(url ? { url } : {}),
    description: `${outlets} outlets reported this within ${input.windowMinutes} minutes.`,
    color: input.color,
    fields: [{ name: 'Reports', value: fitLines(reportLines(input.reports, input.sources), MAX_FIELD_VALUE_CHARS) || '—' }],
    footer: { text: 'Watchfloor · developing story' },
  };
  const mention = input.mentionRoleId ? ` <@&${input.mentionRoleId}>` : '';
  return { content: `🚨 **Developing**${mention}`, embeds: [embed], allowedMentions: allowOnlyRole(input.mentionRoleId) };
}

/** One later report as a message in the thread under an event's alert: its headline, source and time. */
export function composeThreadReport(input: { readonly report: ReportLine; readonly sources: ReadonlyMap<string, SourceInfo>; readonly color: number }): OutboundMessage {
  const url = safeHttpUrl(input.report.url);
  const source = input.sources.get(input.report.feedId);
  const embed: Embed = {
    title: fitSafeText(input.report.title, MAX_EMBED_TITLE_CHARS) || '(untitled)',
    ...(url ? { url } : {}),
    author: { name: fitSafeText(source ? `${source.name} · ${source.kind}` : input.report.feedId, 200) || input.report.feedId.slice(0, 200) },
    color: input.color,
    timestamp: new Date(input.report.at).toISOString(),
  };
  return { embeds: [embed], allowedMentions: allowOnlyRole(null) };
}

/** A thread's name from the alert it hangs under: its title, within Discord's 100 characters. */
export function threadNameOf(alert: OutboundMessage): string {
  const title = alert.embeds[0]?.title ?? 'Reports';
  return title.length <= 100 ? title : `${title.slice(0, 99)}…`;
}
