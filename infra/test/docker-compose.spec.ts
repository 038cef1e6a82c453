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
      'shipment-cancellation': readSources('apps/shipment-cancellation/src/platform/config'),
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
      expect(build?.dockerfile).toBe(dockerfilePath);
      expect(() => readFileSync(path.join(repoRoot, build?.dockerfile ?? 'missing'))).not.toThrow();
    }
  });
});

const dockerfilePath = 'infra/docker/node-app.Dockerfile';

describe(`${dockerfilePath}: a build stage, and a runtime stage with the built app only`, () => {
  const { globalArgs, stages } = readDockerfile(path.join(repoRoot, dockerfilePath));
  const build = stages[0];
  const runtime = stages[stages.length - 1];
  const lines = (stage: Stage | undefined, instruction: string): string[] =>
    (stage?.instructions ?? []).filter((i) => i.instruction === instruction).map((i) => i.args);

  it('has two stages, both on the current Node LTS (24)', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'runtime']);
    for (const stage of stages) {
      const image = stage.from.replace(/^\$\{(\w+)\}$/, (_, name: string) => globalArgs[name] ?? '');
      expect(image).toMatch(/^node:24([.-]|$)/);
    }
  });

  it('builds with every dependency installed, through the nx build target', () => {
    expect(lines(build, 'RUN').some((run) => /^npm ci\b/.test(run) && !run.includes('--omit=dev'))).toBe(
      true,
    );
    expect(lines(build, 'RUN')).toContain('npx nx build ${APP} --outputStyle=static');
    // Everything the build target needs is in the stage (`nx build <app>` runs infra/build-app.cjs).
    for (const app of ['shipment-cancellation', 'carrier-sandbox']) {
      const project = JSON.parse(readFileSync(path.join(repoRoot, 'apps', app, 'project.json'), 'utf8')) as {
        targets: Record<string, { outputs?: string[]; options?: { command?: string } }>;
      };
      expect(project.targets['build']?.options?.command).toBe(`node infra/build-app.cjs ${app}`);
      expect(project.targets['build']?.outputs).toEqual([`{workspaceRoot}/dist/apps/${app}`]);
    }
    expect(lines(build, 'COPY')).toContain('infra/build-app.cjs ./infra/');
  });

  it('installs no devDependencies in the runtime stage and takes only the built app from the build stage', () => {
    const installs = lines(runtime, 'RUN').filter((run) => /\bnpm (ci|install|i)\b/.test(run));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install).toMatch(/^npm ci --omit=dev\b/);
    const fromBuild = lines(runtime, 'COPY').filter((copy) => copy.startsWith('--from='));
    expect(fromBuild).toEqual(['--from=build /workspace/dist/apps/${APP} ./dist/apps/${APP}']);
    // No TypeScript at run time: no compiler hook, no sources.
    const text = runtime?.instructions.map((i) => `${i.instruction} ${i.args}`).join('\n') ?? '';
    expect(text).not.toMatch(/swc|tsx|ts-node|\.ts\b|launch\.cjs/);
    expect(lines(runtime, 'COPY').some((copy) => /^(apps|libs)\b/.test(copy))).toBe(false);
  });

  it('runs the built main.js as a non-root user, the same entry npm start runs', () => {
    const users = lines(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
    expect(lines(runtime, 'CMD')).toEqual(['["sh", "-c", "exec node dist/apps/$APP/main.js"]']);
    expect(readFileSync(path.join(repoRoot, 'infra', 'start.sh'), 'utf8')).toContain(
      'dist/apps/shipment-cancellation/main.js',
    );
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['migrate']).toBe('node dist/apps/shipment-cancellation/store/migrate.js');
  });
});

interface Stage {
  from: string;
  name: string | undefined;
  instructions: Array<{ instruction: string; args: string }>;
}

/** The Dockerfile's instructions by stage (comments dropped, continuation lines joined). */
function readDockerfile(file: string): { globalArgs: Record<string, string>; stages: Stage[] } {
  const instructions = readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [instruction = '', ...rest] = line.split(/\s+/);
      return { instruction: instruction.toUpperCase(), args: rest.join(' ') };
    });
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of instructions) {
    if (line.instruction === 'FROM') {
      const [from = '', as, name] = line.args.split(' ');
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0 && line.instruction === 'ARG') {
      const [name = '', value = ''] = line.args.split('=');
      globalArgs[name] = value;
    } else {
      stages[stages.length - 1]?.instructions.push(line);
    }
  }
  return { globalArgs, stages };
}

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
