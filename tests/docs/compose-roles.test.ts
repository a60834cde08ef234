import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_SCHEMA } from '../../src/config/env.js';

/**
 * docker-compose.roles.yml, checked without a container engine (the image itself is tested by
 * `npm run test:docker` with docker-compose.yml): valid YAML, one poller, one deliverer and one
 * gateway, each with a valid role, on the same data volume and database path as the single
 * service, health ports on the host's loopback only and distinct.
 */
const ROOT = join(import.meta.dirname, '../..');

interface Service {
  readonly image?: string;
  readonly environment?: Record<string, string>;
  readonly volumes?: readonly string[];
  readonly ports?: readonly string[];
}

function composeFile(name: string): { services: Record<string, Service>; volumes?: Record<string, unknown> } {
  // `merge: true`: compose's `<<` merge keys (YAML 1.1), as Docker Compose reads them.
  return parse(readFileSync(join(ROOT, name), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
}

describe('docker-compose.roles.yml', () => {
  const roles = composeFile('docker-compose.roles.yml');
  const single = composeFile('docker-compose.yml');

  it('GIVEN the file THEN it has exactly a poller, a deliverer and a gateway, each running its role', () => {
    expect(Object.keys(roles.services).sort()).toEqual(['deliverer', 'gateway', 'poller']);
    for (const [name, service] of Object.entries(roles.services)) {
      expect(service.environment?.WATCHFLOOR_ROLE, name).toBe(name);
      // The role is one `run` accepts.
      expect(ENV_SCHEMA.shape.WATCHFLOOR_ROLE.safeParse(service.environment?.WATCHFLOOR_ROLE).success, name).toBe(true);
    }
  });

  it('GIVEN the services THEN they share the single service\'s volume, database path, mounts and image', () => {
    const base = single.services.watchfloor;
    expect(base).toBeDefined();
    for (const [name, service] of Object.entries(roles.services)) {
      expect(service.image, name).toBe(base?.image);
      expect(service.environment?.WATCHFLOOR_DB, name).toBe(base?.environment?.WATCHFLOOR_DB);
      expect([...(service.volumes ?? [])].sort(), name).toEqual([...(base?.volumes ?? [])].sort());
    }
    expect(Object.keys(roles.volumes ?? {})).toEqual(Object.keys(single.volumes ?? {}));
  });

  it('GIVEN the health ports THEN each is published on the host loopback only, on a distinct port', () => {
    const ports = Object.values(roles.services).flatMap((s) => s.ports ?? []);
    expect(ports).toHaveLength(3);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:8080$/u);
    expect(new Set(ports.map((p) => p.split(':')[1])).size).toBe(3);
  });
});
