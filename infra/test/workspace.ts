import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root, from this folder. */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** infra/versions.env as a map: the single source of versions, ports and names. */
export function readVersionsEnv(): Record<string, string> {
  const text = readFileSync(path.join(repoRoot, 'infra', 'versions.env'), 'utf8');
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const eq = line.indexOf('=');
      return [line.slice(0, eq), line.slice(eq + 1)] as const;
    });
  return Object.fromEntries(entries);
}
