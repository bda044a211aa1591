// `npm run packs:tiny -- <folder>` writes every tiny pack the suite uses in importable form: each
// one imports with `redub models import` against the catalog the script writes beside them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src-main/core/package-root.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

describe('npm run packs:tiny', () => {
  const temporary = useTemporaryDirectory();

  it('writes the nine tiny packs and a catalog that imports each of them', () => {
    const root = temporary();
    const folder = path.join(root, 'packs');
    const script = path.join(packageRoot(), 'out', 'node', 'write-tiny-packs.js');
    const printed = execFileSync(process.execPath, [script, folder], { encoding: 'utf8' });
    const catalog = JSON.parse(readFileSync(path.join(folder, 'catalog.json'), 'utf8')) as { packs: { id: string; kind: string }[] };
    expect(catalog.packs.map((pack) => pack.id).sort()).toEqual(['tiny-mdx-net', 'tiny-nllb', 'tiny-opus-mt-en-es', 'tiny-piper-es', 'tiny-segmentation', 'tiny-speaker-embedding', 'tiny-whisper', 'wav2lip-96', 'yunet-2023mar']);
    expect(printed).toContain('redub models import yunet-2023mar');
    const dataDir = path.join(root, 'data');
    for (const pack of catalog.packs) {
      const output = execFileSync(process.execPath, [path.join(packageRoot(), 'bin', 'redub.js'), 'models', 'import', pack.id, path.join(folder, pack.id), '--data-dir', dataDir], {
        encoding: 'utf8',
        env: { ...process.env, REDUB_MODEL_CATALOG: path.join(folder, 'catalog.json') },
      });
      expect(output).toContain(`Imported the model pack ${pack.id}`);
    }
  }, 60_000);
});
