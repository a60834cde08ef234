import { formatQuietHours, parseQuietHours, type QuietHours } from './surge.js';

/** A subscription's surge settings as given (`--surges`, `--quiet-hours`; `/watch add surges: quiet_hours:`). */
export interface TrendSettingsInput {
  readonly surges?: boolean;
  readonly quietHours?: QuietHours;
}

/** Reads `on|off` and `HH-HH`; problems name the flag and the fix. */
export function parseTrendFlags(flags: { readonly surges?: string | boolean | undefined; readonly quietHours?: string | undefined }): { settings: TrendSettingsInput; problems: { flag: string; text: string }[] } {
  const problems: { flag: string; text: string }[] = [];
  let surges: boolean | undefined;
  if (typeof flags.surges === 'boolean') surges = flags.surges;
  else if (flags.surges !== undefined) {
    const value = flags.surges.trim().toLowerCase();
    if (['on', 'yes', 'true', '1'].includes(value)) surges = true;
    else if (['off', 'no', 'false', '0'].includes(value)) surges = false;
    else problems.push({ flag: '--surges', text: `"${flags.surges}" is neither on nor off; fix: --surges on (post a notice when a subscribed topic surges) or --surges off` });
  }
  let quietHours: QuietHours | undefined;
  if (flags.quietHours !== undefined) {
    const parsed = parseQuietHours(flags.quietHours);
    if (parsed) quietHours = parsed;
    else problems.push({ flag: '--quiet-hours', text: `"${flags.quietHours}" is not a window of whole hours; fix: e.g. --quiet-hours 22-07 (22:00 to 07:00 in the subscription's --timezone)` });
  }
  return { settings: { ...(surges === undefined ? {} : { surges }), ...(quietHours === undefined ? {} : { quietHours }) }, problems };
}

/** Whether a subscription wants surge notices: its setting, else on for alerts (instant, event) and off for digests. */
export function wantsSurges(subscription: { readonly mode: string }, setting: boolean | null): boolean {
  return setting ?? subscription.mode !== 'digest';
}

/** How listings describe the surge settings: `surges on`, `surges off`, `surges on, quiet 22-07`. */
export function describeTrendSettings(subscription: { readonly mode: string }, setting: { readonly surges: boolean | null; readonly quietHours: QuietHours | null }): string {
  const on = wantsSurges(subscription, setting.surges);
  return `surges ${on ? 'on' : 'off'}${on && setting.quietHours ? `, quiet ${formatQuietHours(setting.quietHours)}` : ''}`;
}
