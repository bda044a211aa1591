import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** A fresh folder for one test, removed after it. */
export function useTemporaryDirectory(prefix = 'redub-test-'): () => string {
  let current: string | null = null;
  afterEach(() => {
    if (current) rmSync(current, { recursive: true, force: true });
    current = null;
  });
  return () => {
    current ??= mkdtempSync(path.join(tmpdir(), prefix));
    return current;
  };
}
