import module from 'node:module';
import { describe, expect, it } from 'vitest';
import { enableCompileCache } from '../../../src-main/core/worker-host/compile-cache.js';

const nodeHasCache = typeof (module as { enableCompileCache?: unknown }).enableCompileCache === 'function';

describe('enableCompileCache', () => {
  it.skipIf(nodeHasCache)('does nothing where Node has no compile cache (before 22.1)', () => {
    expect(enableCompileCache()).toBe(false);
  });

  // Skipped on the Node 20 this project is checked with: module.enableCompileCache came in 22.1.
  it.skipIf(!nodeHasCache)(`turns Node’s compile cache on where Node has one${nodeHasCache ? '' : ` (skipped: Node ${process.version} has no module.enableCompileCache; it came in 22.1)`}`, () => {
    expect(enableCompileCache()).toBe(true);
    expect((module as { getCompileCacheDir?: () => string | undefined }).getCompileCacheDir?.()).toBeTruthy();
  });
});
