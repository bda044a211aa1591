import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const eslint = new ESLint({ cwd: repoRoot });

/** The messages local/layering gives `code` placed at `filePath` (relative to the repo root). */
async function layeringMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) });
  expect(result, `ESLint did not lint ${filePath}`).toBeDefined();
  // Parse errors and "file ignored" warnings have no rule id; either would make a clean result meaningless.
  expect(result!.messages.filter((message) => message.ruleId === null)).toEqual([]);
  return result!.messages.filter((message) => message.ruleId === 'local/layering').map((message) => message.message);
}

describe('local/layering', () => {
  it('is switched on for TypeScript files by eslint.config.js', async () => {
    const config = (await eslint.calculateConfigForFile(path.join(repoRoot, 'src-main/core/x.ts'))) as { rules?: Record<string, unknown> };
    expect(config.rules?.['local/layering']).toEqual([2]);
  });

  describe('core', () => {
    it('reports core importing electron', async () => {
      const messages = await layeringMessages('src-main/core/x.ts', "import { app } from 'electron';\nexport const name = app.name;\n");
      expect(messages).toEqual([expect.stringContaining('"electron"')]);
    });

    it('reports a dynamic import of electron from core too', async () => {
      const messages = await layeringMessages('src-main/core/x.ts', "export const load = () => import('electron');\n");
      expect(messages).toHaveLength(1);
    });

    it('reports core importing from the cli layer', async () => {
      const messages = await layeringMessages('src-main/core/pipeline/x.ts', "import { exitCodes } from '../../cli/exit-codes.js';\nexport const codes = exitCodes;\n");
      expect(messages).toEqual([expect.stringMatching(/core layer may not import from the cli layer/)]);
    });

    it('allows core to import shared and node built-ins', async () => {
      const code = "import { readFileSync } from 'node:fs';\nimport { RedubError } from '../../shared/errors.js';\nexport const both = [readFileSync, RedubError];\n";
      expect(await layeringMessages('src-main/core/pipeline/x.ts', code)).toEqual([]);
    });
  });

  describe('shared', () => {
    it('reports shared importing from core', async () => {
      const messages = await layeringMessages('src-main/shared/x.ts', "import { ArtifactCache } from '../core/pipeline/artifact-cache.js';\nexport const cache = ArtifactCache;\n");
      expect(messages).toEqual([expect.stringMatching(/shared layer may not import from the core layer/)]);
    });

    it('reports shared importing a node built-in', async () => {
      const messages = await layeringMessages('src-main/shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");
      expect(messages).toEqual([expect.stringContaining('"node:fs"')]);
    });

    it('reports shared re-exporting from core', async () => {
      const messages = await layeringMessages('src-main/shared/x.ts', "export { ArtifactCache } from '../core/pipeline/artifact-cache.js';\n");
      expect(messages).toHaveLength(1);
    });

    it('allows shared to import zod and other shared files', async () => {
      const code = "import { z } from 'zod';\nimport { formatTimestamp } from './time.js';\nexport const both = [z, formatTimestamp];\n";
      expect(await layeringMessages('src-main/shared/x.ts', code)).toEqual([]);
    });
  });

  describe('main-process entry points', () => {
    it('allows cli to import core', async () => {
      const code = "import { probeMedia } from '../core/media/probe.js';\nexport const probe = probeMedia;\n";
      expect(await layeringMessages('src-main/cli/x.ts', code)).toEqual([]);
    });

    it('allows workers to import core', async () => {
      const code = "import { WorkerPool } from '../core/worker-host/worker-pool.js';\nexport const pool = WorkerPool;\n";
      expect(await layeringMessages('src-main/workers/x.ts', code)).toEqual([]);
    });

    it('reports cli importing electron', async () => {
      expect(await layeringMessages('src-main/cli/x.ts', "import { app } from 'electron';\nexport const name = app.name;\n")).toHaveLength(1);
    });
  });

  describe('preload', () => {
    it('reports preload importing src-main/core', async () => {
      const messages = await layeringMessages('src-preload/index.ts', "import { WorkerPool } from '../src-main/core/worker-host/worker-pool.js';\nexport const pool = WorkerPool;\n");
      expect(messages).toEqual([expect.stringMatching(/preload layer may not import from the core layer/)]);
    });

    it('allows preload to import electron and shared', async () => {
      const code = "import { contextBridge } from 'electron';\nimport { RedubError } from '../src-main/shared/errors.js';\nexport const both = [contextBridge, RedubError];\n";
      expect(await layeringMessages('src-preload/index.ts', code)).toEqual([]);
    });
  });

  describe('renderer', () => {
    it('reports a feature importing another feature', async () => {
      const messages = await layeringMessages('src-renderer/features/editor/Editor.tsx', "import { Timeline } from '../timeline/Timeline.js';\nexport const view = Timeline;\n");
      expect(messages).toEqual([expect.stringContaining('features may not import each other')]);
    });

    it('allows a feature to import its own files', async () => {
      const code = "import { CueList } from './parts/CueList.js';\nexport const view = CueList;\n";
      expect(await layeringMessages('src-renderer/features/editor/Editor.tsx', code)).toEqual([]);
    });

    it('reports a store importing a feature', async () => {
      const messages = await layeringMessages('src-renderer/stores/jobs-store.ts', "import { Editor } from '../features/editor/Editor.js';\nexport const view = Editor;\n");
      expect(messages).toEqual([expect.stringContaining('stores may not import features')]);
    });

    it('allows a feature to import a store', async () => {
      const code = "import { useJobs } from '../../stores/jobs-store.js';\nexport const hook = useJobs;\n";
      expect(await layeringMessages('src-renderer/features/editor/Editor.tsx', code)).toEqual([]);
    });

    it('reports the renderer importing node built-ins or core', async () => {
      expect(await layeringMessages('src-renderer/app.ts', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n")).toHaveLength(1);
      expect(await layeringMessages('src-renderer/app.ts', "import { probeMedia } from '../src-main/core/media/probe.js';\nexport const probe = probeMedia;\n")).toHaveLength(1);
    });
  });
});
