/**
 * Process roles (`watchfloor run --role`): one process does everything (`all`, the default), or
 * the work is split between processes on one database. Pure: names, what each role does, and
 * how live a process's heartbeat is.
 */
export const ROLES = ['all', 'poller', 'deliverer', 'gateway'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** What a role's process does. */
export interface RoleDuties {
  /** Polls feeds on POLL_SCHEDULE, classifies, stores, queues outbox rows. */
  readonly polls: boolean;
  /** Claims outbox rows and sends them; queues scheduled digests and surge notices. */
  readonly delivers: boolean;
  /** Holds the Discord gateway connection: slash commands, reactions, menus. */
  readonly gateway: boolean;
}

export function dutiesOf(role: Role): RoleDuties {
  return {
    polls: role === 'all' || role === 'poller',
    delivers: role === 'all' || role === 'deliverer',
    gateway: role === 'all' || role === 'gateway',
  };
}

/** The problem with a role name, with the fix; null when it is one. */
export function roleProblem(value: string): string | null {
  if (isRole(value)) return null;
  return `"${value}" is not a role. Use one of ${ROLES.join(', ')}: all does everything in one process (the default); poller, deliverer and gateway split the work between processes on one database (docs/self-hosting.md, "Roles").`;
}

/** A heartbeat is stale after this many of its intervals without a beat. */
export const STALE_INTERVALS = 3;

export interface HeartbeatRow {
  readonly owner: string;
  readonly role: string;
  readonly pid: number;
  readonly host: string;
  readonly startedAt: number;
  readonly lastSeenAt: number;
  readonly intervalMs: number;
}

export interface ProcessLiveness extends HeartbeatRow {
  /** Seen within STALE_INTERVALS of its interval. */
  readonly alive: boolean;
}

/** Each recorded process, live ones first, with whether it is alive at `now`. */
export function livenessOf(rows: readonly HeartbeatRow[], now: number): ProcessLiveness[] {
  return rows
    .map((row) => ({ ...row, alive: now - row.lastSeenAt <= STALE_INTERVALS * row.intervalMs }))
    .sort((a, b) => Number(b.alive) - Number(a.alive) || a.role.localeCompare(b.role) || a.startedAt - b.startedAt);
}

/** One line per role: how many processes are live, and the stale ones (e.g. "poller 2 live; deliverer 1 live, 1 not seen"). */
export function describeRoles(processes: readonly ProcessLiveness[]): string {
  if (processes.length === 0) return 'no process recorded (none running, or all stopped cleanly)';
  const byRole = new Map<string, { live: number; stale: number }>();
  for (const p of processes) {
    const entry = byRole.get(p.role) ?? { live: 0, stale: 0 };
    if (p.alive) entry.live++;
    else entry.stale++;
    byRole.set(p.role, entry);
  }
  return [...byRole]
    .map(([role, n]) => `${role} ${n.live} live${n.stale > 0 ? `, ${n.stale} not seen for over ${STALE_INTERVALS} intervals` : ''}`)
    .join('; ');
}
