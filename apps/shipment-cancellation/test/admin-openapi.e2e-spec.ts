// The OpenAPI document: what the running service serves at /docs-json must be the committed
// apps/shipment-cancellation/openapi.json, and /docs must serve Swagger UI.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { OPENAPI_REGENERATE_COMMAND } from '../src/admin/admin-openapi';
import type { RunningService } from '../src/service-runtime';
import { SandboxProcess } from './support/sandbox';
import { startTestService, testConfig } from './support/service';

/** The JSON paths where two documents differ (the first few), for a failure message a person can act on. */
function differences(a: unknown, b: unknown, at = '', out: string[] = []): string[] {
  if (out.length >= 10 || isDeepStrictEqual(a, b)) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      differences(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${at}/${key}`,
        out,
      );
    }
    return out;
  }
  out.push(
    `${at || '/'}: served ${JSON.stringify(a)?.slice(0, 80)}, committed ${JSON.stringify(b)?.slice(0, 80)}`,
  );
  return out;
}

describe('admin API: OpenAPI document', () => {
  let sandbox: SandboxProcess;
  let service: RunningService;

  beforeAll(async () => {
    sandbox = await SandboxProcess.start();
    service = await startTestService(testConfig(sandbox.url));
  });

  afterAll(async () => {
    await service?.stop();
    await sandbox?.stop();
  });

  it('serves the committed apps/shipment-cancellation/openapi.json at /docs-json', async () => {
    // Parsed here, not by fetch: objects from another realm never compare deep-equal.
    const served = JSON.parse(await (await fetch(`${service.url}/docs-json`)).text()) as unknown;
    const file = path.resolve(__dirname, '..', 'openapi.json');
    const committed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!isDeepStrictEqual(served, committed)) {
      throw new Error(
        `apps/shipment-cancellation/openapi.json differs from what the service serves:\n  ${differences(served, committed).join('\n  ')}\n` +
          `Regenerate it with:\n  ${OPENAPI_REGENERATE_COMMAND}`,
      );
    }
    const paths = Object.keys((served as { paths: Record<string, unknown> }).paths);
    expect(paths).toHaveLength(14);
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await fetch(`${service.url}/docs`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('swagger-ui');
  });
});
