import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { readVersionsEnv, repoRoot } from './workspace';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  ports?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const versions = readVersionsEnv();

function service(name: string): ComposeService {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service '${name}'`);
  return found;
}

function publishedPorts(name: string): string[] {
  return (service(name).ports ?? []).map((mapping) => mapping.split(':').slice(-2).join(':'));
}

describe('docker-compose.yml against the local setup (infra/versions.env)', () => {
  it('runs the four parts of the stack', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['carrier-sandbox', 'kafka', 'postgres', 'shipment-cancellation'].sort(),
    );
  });

  it('runs the same Kafka version, from the official image, in KRaft mode', () => {
    expect(service('kafka').image).toBe(`apache/kafka:${versions['KAFKA_VERSION']}`);
    expect(service('kafka').environment?.['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
  });

  it('runs the same PostgreSQL major version and database name', () => {
    expect(service('postgres').image).toBe(`postgres:${versions['POSTGRES_VERSION']}`);
    expect(service('postgres').environment?.['POSTGRES_DB']).toBe(versions['POSTGRES_DB']);
    expect(service('postgres').environment?.['POSTGRES_USER']).toBe(versions['POSTGRES_USER']);
  });

  it('publishes the same ports as the local scripts, on loopback only', () => {
    expect(publishedPorts('kafka')).toEqual([`${versions['KAFKA_PORT']}:9092`]);
    expect(publishedPorts('postgres')).toEqual([`${versions['POSTGRES_PORT']}:5432`]);
    expect(publishedPorts('shipment-cancellation')).toEqual([
      `${versions['HTTP_PORT']}:${versions['HTTP_PORT']}`,
    ]);
    expect(publishedPorts('carrier-sandbox')).toEqual([
      `${versions['SANDBOX_PORT']}:${versions['SANDBOX_PORT']}`,
    ]);
    for (const mappings of Object.values(compose.services).map((s) => s.ports ?? [])) {
      for (const mapping of mappings) expect(mapping.startsWith('127.0.0.1:')).toBe(true);
    }
  });

  it('gives every service a healthcheck and keeps state in named volumes', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      expect({ name, healthcheck: Array.isArray(svc.healthcheck?.test) }).toEqual({
        name,
        healthcheck: true,
      });
    }
    expect(Object.keys(compose.volumes).sort()).toEqual(['kafka-data', 'postgres-data']);
    expect(service('kafka').volumes?.[0]).toMatch(/^kafka-data:/);
    expect(service('postgres').volumes?.[0]).toMatch(/^postgres-data:/);
  });

  it('starts the service only after its dependencies are healthy', () => {
    expect(service('shipment-cancellation').depends_on).toEqual({
      kafka: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
      'carrier-sandbox': { condition: 'service_healthy' },
    });
  });

  it('configures the apps with variables the apps actually read', () => {
    const sources: Record<string, string> = {
      'shipment-cancellation': readSources('apps/shipment-cancellation/src/config'),
      'carrier-sandbox': readSources('apps/carrier-sandbox/src'),
    };
    for (const [name, text] of Object.entries(sources)) {
      for (const variable of Object.keys(service(name).environment ?? {})) {
        expect({ service: name, variable, read: text.includes(`'${variable}'`) }).toEqual({
          service: name,
          variable,
          read: true,
        });
      }
    }
  });

  it('builds both apps from the one Dockerfile that exists', () => {
    for (const name of ['shipment-cancellation', 'carrier-sandbox']) {
      const build = service(name).build;
      expect(build?.args?.['APP']).toBe(name);
      expect(() => readFileSync(path.join(repoRoot, build?.dockerfile ?? 'missing'))).not.toThrow();
    }
  });
});

function readSources(dir: string): string {
  const { readdirSync, statSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
  const root = path.join(repoRoot, dir);
  const texts: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current)) {
      const full = path.join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.ts') && !entry.endsWith('.spec.ts')) texts.push(readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return texts.join('\n');
}
