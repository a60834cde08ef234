import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_SCHEMA } from '../../src/config/env.js';
import { storeTarget } from '../../src/store/target.js';

/**
 * docker-compose.postgres.yml, checked without a container engine: a PostgreSQL service with a
 * health check and a volume, two pollers, one deliverer and one gateway, each `run --role …`
 * against that service once it is healthy, no password written in the file, health ports on the
 * host's loopback only and distinct, the database not published at all.
 */
const ROOT = join(import.meta.dirname, '../..');
const FILE = 'docker-compose.postgres.yml';

interface Service {
  readonly image?: string;
  readonly command?: readonly string[];
  readonly environment?: Record<string, string>;
  readonly volumes?: readonly string[];
  readonly ports?: readonly string[];
  readonly depends_on?: Record<string, { condition?: string }>;
  readonly healthcheck?: { test?: readonly string[] };
}

interface Compose {
  readonly services: Record<string, Service>;
  readonly volumes?: Record<string, unknown>;
}

const text = readFileSync(join(ROOT, FILE), 'utf8');
// `merge: true`: compose's `<<` merge keys (YAML 1.1), as Docker Compose reads them.
const compose = parse(text, { merge: true }) as Compose;
const single = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
const watchfloor = Object.entries(compose.services).filter(([name]) => name !== 'postgres');

/** The role a service's command runs, parsed as `run` parses it (the role flag's value). */
function roleOf(service: Service): string | undefined {
  const argv = service.command ?? [];
  expect(argv.slice(0, 3)).toEqual(['node', 'dist/app/cli.js', 'run']);
  const program = new Command().exitOverride().option('--role <role>').allowUnknownOption();
  program.parse(argv.slice(3), { from: 'user' });
  return program.opts<{ role?: string }>().role;
}

describe(FILE, () => {
  it('GIVEN the file THEN it runs two pollers, one deliverer and one gateway, each `run --role` with a role run accepts', () => {
    const roles = watchfloor.map(([, service]) => roleOf(service));
    expect(roles.sort()).toEqual(['deliverer', 'gateway', 'poller', 'poller']);
    for (const role of roles) expect(ENV_SCHEMA.shape.WATCHFLOOR_ROLE.safeParse(role).success, role).toBe(true);
  });

  it('GIVEN every role runs on PostgreSQL THEN no Watchfloor service is left out of `up` by a profile', () => {
    for (const [name, service] of watchfloor) expect((service as { profiles?: readonly string[] }).profiles, name).toBeUndefined();
  });

  it('GIVEN the PostgreSQL service THEN it has a health check, a named volume and no published port', () => {
    const postgres = compose.services.postgres;
    expect(postgres?.image).toMatch(/^postgres:\d+/);
    expect(postgres?.healthcheck?.test).toContain('pg_isready');
    expect(postgres?.ports).toBeUndefined();
    const volume = postgres?.volumes?.find((v) => v.endsWith(':/var/lib/postgresql/data'));
    expect(volume).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(volume?.split(':')[0]);
  });

  it('GIVEN every Watchfloor service THEN it waits for a healthy PostgreSQL and its WATCHFLOOR_DB names that service', () => {
    expect(watchfloor).toHaveLength(4);
    for (const [name, service] of watchfloor) {
      expect(service.depends_on?.postgres?.condition, name).toBe('service_healthy');
      const target = storeTarget(service.environment?.WATCHFLOOR_DB ?? '');
      expect(target.engine, name).toBe('postgres');
      if (target.engine === 'postgres') expect(new URL(target.url).host, name).toBe('postgres:5432');
      expect(service.image, name).toBe(single.services.watchfloor?.image);
    }
  });

  it('GIVEN the file THEN no password is written in it: each comes from the environment', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD/i.test(key)) expect(value, `${name}.${key}`).toMatch(/^\$\{POSTGRES_PASSWORD:\?[^}]+\}$/);
        if (/^postgres(ql)?:\/\//.test(value)) expect(new URL(value).password, `${name}.${key}`).toBe('');
      }
    }
    // Nowhere else either (comments included): no user:password@ in any URL.
    expect(text).not.toMatch(/postgres(ql)?:\/\/[^\s@/]+:[^\s@/]+@/);
  });

  it('GIVEN the health ports THEN each is published on the host loopback only, on a distinct port', () => {
    const ports = watchfloor.flatMap(([, s]) => s.ports ?? []);
    expect(ports).toHaveLength(4);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:8080$/u);
    expect(new Set(ports.map((p) => p.split(':')[1])).size).toBe(4);
  });
});
