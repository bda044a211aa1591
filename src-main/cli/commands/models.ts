// `redub models list|install|import|verify|remove`: the model packs of SPEC §5 from the command
// line. Install shows a bar on a terminal and lines otherwise (nothing with --json); Ctrl+C stops
// a download so that running install again resumes it. REDUB_MODEL_CATALOG picks another catalog.
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import { RedubError } from '../../shared/errors.js';
import { findPack, loadCatalog, packSize, type Catalog } from '../../core/models/catalog.js';
import { importPack } from '../../core/models/import.js';
import { installPack, type InstallProgress, type InstallResult } from '../../core/models/install.js';
import { ModelStore, type VerifyResult } from '../../core/models/model-store.js';
import { exitCodes } from '../exit-codes.js';
import type { Output } from '../output.js';
import { formatBytes } from '../../shared/format.js';
import { packInfo } from '../../core/models/pack-info.js';

export { modelsOptions } from '../command-options.js';

const usage = 'Usage: redub models list | install <id> [--force] | import <id> <folder-or-archive> | verify [<id>] | remove <id>.';

export async function modelsCommand(dataDir: string, positionals: string[], values: { force?: boolean }, output: Output): Promise<number> {
  const [action, ...args] = positionals;
  const expect = (count: number) => {
    if (args.length !== count) throw new RedubError('E_USAGE', { message: usage });
  };
  switch (action) {
    case 'list':
      expect(0);
      return listPacks(dataDir, output);
    case 'install':
      expect(1);
      return install(dataDir, args[0]!, values.force === true, output);
    case 'import': {
      expect(2);
      const catalog = loadCatalog();
      const pack = findPack(catalog, args[0]!);
      output.note(`Importing ${pack.id} (${pack.name}) from ${args[1]}…`);
      return reportInstalled(await importPack(pack, path.resolve(args[1]!), dataDir), 'Imported', output);
    }
    case 'verify':
      if (args.length > 1) throw new RedubError('E_USAGE', { message: usage });
      return verify(dataDir, args[0], output);
    case 'remove': {
      expect(1);
      const removed = await new ModelStore(dataDir).remove(args[0]!);
      output.result({ id: args[0], removed }, () => (removed ? `Removed the model pack ${args[0]}.` : `The model pack ${args[0]} is not installed; nothing to remove.`));
      return exitCodes.done;
    }
    default:
      throw new RedubError('E_USAGE', { message: usage });
  }
}

function listPacks(dataDir: string, output: Output): number {
  const catalog = loadCatalog();
  const store = new ModelStore(dataDir, catalog);
  const packs = catalog.packs.map((pack) => ({ ...packInfo(pack, store), inCatalog: true }));
  // Packs installed from an older catalog still take disk space, so they are listed too.
  const known = new Set(catalog.packs.map((pack) => pack.id));
  const strays = store.listInstalled().filter((manifest) => !known.has(manifest.pack.id));
  for (const { pack, installedAt, files } of strays) {
    packs.push({ ...packInfo(pack, store), sizeBytes: files.reduce((sum, file) => sum + file.size, 0), installed: true, installedAt, inCatalog: false });
  }
  output.result({ modelsDir: store.folder, packs }, () =>
    packs.length === 0
      ? 'The catalog lists no model packs.'
      : packs
          .map((pack) => `${pack.installed ? '✓' : ' '} ${pack.id.padEnd(28)} ${pack.kind.padEnd(4)} ${sizeText(pack.sizeBytes).padStart(9)}  ${pack.license.padEnd(14)} ${pack.name}${pack.inCatalog ? '' : ' (no longer in the catalog)'}`)
          .join('\n') + `\n\n✓ installed, in ${store.folder}. Install one with \`redub models install <id>\`.`,
  );
  return exitCodes.done;
}


async function install(dataDir: string, id: string, force: boolean, output: Output): Promise<number> {
  const catalog = loadCatalog();
  const pack = findPack(catalog, id);
  const store = new ModelStore(dataDir, catalog);
  if (store.isInstalled(id) && !force) {
    const dir = store.packFolder(id);
    output.result({ id, dir, alreadyInstalled: true }, () => `The model pack ${id} is already installed in ${dir}. Pass --force to download it again.`);
    return exitCodes.done;
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const progress = createProgress(output.json ? 'silent' : process.stderr.isTTY ? 'bar' : 'lines');
  output.note(`Installing ${pack.id} (${pack.name}, ${sizeText(packSize(pack))}, ${pack.license})…`);
  // A licence that restricts use is said in full before anything downloads, not only named.
  if (pack.notes && /non-commercial/i.test(pack.notes)) output.note(pack.notes);
  let result: InstallResult;
  try {
    result = await installPack(pack, dataDir, { signal: controller.signal, onProgress: progress.update });
  } finally {
    // The bar is finished before any sentence is printed, so the two never interleave.
    progress.stop();
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
  return reportInstalled(result, 'Installed', output);
}

function reportInstalled(result: InstallResult, verb: string, output: Output): number {
  output.result({ installed: result }, () => `${verb} the model pack ${result.id}: ${result.files.length} file${result.files.length === 1 ? '' : 's'}, ${formatBytes(result.bytes)}, in ${result.dir}.`);
  return exitCodes.done;
}

async function verify(dataDir: string, id: string | undefined, output: Output): Promise<number> {
  let catalog: Catalog | null = null;
  try {
    catalog = loadCatalog();
  } catch {
    output.note('The model catalog cannot be read; checking the packs against their own manifests only.');
  }
  const store = new ModelStore(dataDir, catalog);
  const ids = id ? [id] : store.listInstalled().map((manifest) => manifest.pack.id);
  const results: VerifyResult[] = [];
  for (const packId of ids) results.push(await store.verify(packId));
  const ok = results.every((result) => result.ok);
  output.result({ ok, packs: results }, () =>
    results.length === 0
      ? 'No model packs are installed.'
      : results.map((result) => (result.ok ? `✓ ${result.id}: every file matches.` : `✗ ${result.id}:\n${result.problems.map((line) => `  - ${line}`).join('\n')}`)).join('\n') +
        (ok ? '' : '\n\nReinstall a damaged pack with `redub models install <id> --force`.'),
  );
  return ok ? exitCodes.done : exitCodes.processingFailed;
}

interface ProgressView {
  update: (progress: InstallProgress) => void;
  stop: () => void;
}

function createProgress(mode: 'bar' | 'lines' | 'silent'): ProgressView {
  if (mode === 'silent') return { update: () => undefined, stop: () => undefined };
  if (mode === 'lines') {
    let last = '';
    return {
      update: ({ file, fileIndex, fileCount, bytesDone, bytesTotal }) => {
        // One line per file and per tenth of the pack, so a log stays readable.
        const tenth = bytesTotal ? Math.floor((bytesDone / bytesTotal) * 10) * 10 : null;
        const line = `[${fileIndex + 1}/${fileCount}] ${file} ${tenth === null ? formatBytes(bytesDone) : `${tenth}%`}`;
        if (tenth === null ? !last.startsWith(`[${fileIndex + 1}/`) : line !== last) process.stderr.write(`${line}\n`);
        last = line;
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({ format: ' [{bar}] {percentage}% | {done} of {size} | {file}', hideCursor: true, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return {
    update: ({ file, bytesDone, bytesTotal }) => {
      const total = bytesTotal ?? Math.max(bytesDone, 1);
      const payload = { file, done: formatBytes(bytesDone), size: bytesTotal === null ? '?' : formatBytes(bytesTotal) };
      if (!started) bar.start(total, bytesDone, payload);
      else {
        bar.setTotal(total);
        bar.update(bytesDone, payload);
      }
      started = true;
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}

function sizeText(bytes: number | null): string {
  return bytes === null ? 'size not published' : formatBytes(bytes);
}
