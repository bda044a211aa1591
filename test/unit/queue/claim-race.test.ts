import { buildSync } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';
import { createStore, newJob } from './store-fixture.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// Under the repository so the bundle resolves better-sqlite3 from its node_modules.
const bundle = path.resolve(here, '../../.generated/claim-race-worker.mjs');

function runClaimer(file: string, owner: string, go: SharedArrayBuffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(bundle, { workerData: { file, owner, go } });
    worker.once('message', (ids: string[]) => resolve(ids));
    worker.once('error', reject);
  });
}

describe('claiming under real concurrency', () => {
  const directory = useTemporaryDirectory();

  it('hands each job to exactly one of four threads racing on their own connections', async () => {
    buildSync({
      entryPoints: [path.join(here, 'claim-race-worker.ts')], outfile: bundle, bundle: true, platform: 'node',
      format: 'esm', target: 'node20', packages: 'external', logLevel: 'warning',
    });
    const fixture = createStore(directory());
    const jobCount = 200;
    for (let index = 0; index < jobCount; index++) fixture.store.jobs.enqueue(newJob());

    const go = new SharedArrayBuffer(4);
    const claimers = ['w1', 'w2', 'w3', 'w4'].map((owner) => runClaimer(fixture.file, owner, go));
    await new Promise((resolve) => setTimeout(resolve, 200));
    Atomics.store(new Int32Array(go), 0, 1);
    Atomics.notify(new Int32Array(go), 0);
    const results = await Promise.all(claimers);

    const all = results.flat();
    expect(all).toHaveLength(jobCount);
    expect(new Set(all).size).toBe(jobCount);
    expect(fixture.store.jobs.count({ states: ['running'] })).toBe(jobCount);
    for (const job of fixture.store.jobs.list()) expect(job.attempts).toBe(1);
    fixture.close();
  });
});
