// Finds files that ship with Redub (the bundled worker entry, resources) whether the code runs
// from the esbuild bundle in out/node or from the TypeScript sources under a test runner.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function packageRoot(): string {
  if (cached) return cached;
  let folder = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(folder, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'redub') return (cached = folder);
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error('Redub cannot find its own package folder.');
    folder = parent;
  }
}

export function workerEntryPath(): string {
  return path.join(packageRoot(), 'out', 'node', 'worker.js');
}
