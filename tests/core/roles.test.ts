import { describe, expect, it } from 'vitest';
import { describeRoles, dutiesOf, livenessOf, roleProblem, ROLES, STALE_INTERVALS, type HeartbeatRow } from '../../src/core/roles.js';

const T0 = Date.parse('2026-12-04T12:00:00Z');

function row(role: string, lastSeenAt: number, overrides: Partial<HeartbeatRow> = {}): HeartbeatRow {
  return { owner: `h:${role}:${lastSeenAt}`, role, pid: 10, host: 'h', startedAt: T0 - 3_600_000, lastSeenAt, intervalMs: 30_000, ...overrides };
}

describe('roles', () => {
  it('GIVEN each role THEN its duties: all does everything, the others one thing each', () => {
    expect(ROLES).toEqual(['all', 'poller', 'deliverer', 'gateway']);
    expect(dutiesOf('all')).toEqual({ polls: true, delivers: true, gateway: true });
    expect(dutiesOf('poller')).toEqual({ polls: true, delivers: false, gateway: false });
    expect(dutiesOf('deliverer')).toEqual({ polls: false, delivers: true, gateway: false });
    expect(dutiesOf('gateway')).toEqual({ polls: false, delivers: false, gateway: true });
  });

  it('GIVEN a name that is not a role (wrong case included) THEN the problem names it and the roles', () => {
    for (const role of ROLES) expect(roleProblem(role)).toBeNull();
    expect(roleProblem('Poller')).toMatch(/^"Poller" is not a role\. Use one of all, poller, deliverer, gateway:/u);
    expect(roleProblem('')).toContain('"" is not a role');
  });

  it('GIVEN heartbeats THEN a process is alive up to 3 of its intervals after its last beat, and flagged after', () => {
    const limit = STALE_INTERVALS * 30_000;
    const processes = livenessOf([row('poller', T0 - limit - 1), row('poller', T0 - limit), row('deliverer', T0), row('gateway', T0 - 10 * 60_000, { intervalMs: 5 * 60_000 })], T0);
    expect(processes.map((p) => [p.role, p.alive])).toEqual([['deliverer', true], ['gateway', true], ['poller', true], ['poller', false]]);
    expect(describeRoles(processes)).toBe(`deliverer 1 live; gateway 1 live; poller 1 live, 1 not seen for over ${STALE_INTERVALS} intervals`);
    expect(describeRoles([])).toMatch(/^no process recorded/u);
  });
});
