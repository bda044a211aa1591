// Installed model packs: `<dataDir>/models/<packId>/` holds the pack's files and a pack.json
// manifest (its catalog entry, when it was installed, each file's size and SHA-256). A pack
// folder only ever appears by rename once complete, so "folder with pack.json" means installed.
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { RedubError } from '../../shared/errors.js';
import { packIdPattern, packSchema, type Catalog, type CatalogPack } from './catalog.js';
import { exists, hashFile, randomSuffix, resolveInside, swapFolderInto, type FileDigest } from './files.js';

export const manifestName = 'pack.json';

const manifestSchema = z.object({
  manifestVersion: z.literal(1),
  pack: packSchema,
  installedAt: z.string(),
  source: z.enum(['download', 'import']),
  files: z.array(z.object({ path: z.string(), size: z.number(), sha256: z.string() })),
});

export type PackManifest = z.infer<typeof manifestSchema>;
export type InstalledFile = PackManifest['files'][number];

export interface InstalledPack {
  id: string;
  dir: string;
  manifest: PackManifest;
  /** The absolute path of one of the pack's files. */
  file(relativePath: string): string;
}

export interface VerifyResult {
  id: string;
  ok: boolean;
  problems: string[];
}

export function modelsFolder(dataDir: string): string {
  return path.join(dataDir, 'models');
}

/** Staging lives beside the installed packs so the final rename never crosses file systems. */
export function stagingFolder(dataDir: string): string {
  return path.join(modelsFolder(dataDir), '.staging');
}

/**
 * Writes the manifest into a complete staging folder and renames it into place. The one way a
 * pack becomes installed, shared by download and import.
 */
export async function commitPack(dataDir: string, pack: CatalogPack, staging: string, files: (FileDigest & { path: string })[], source: PackManifest['source']): Promise<string> {
  const manifest: PackManifest = { manifestVersion: 1, pack, installedAt: new Date().toISOString(), source, files };
  await writeFile(path.join(staging, manifestName), `${JSON.stringify(manifest, null, 2)}\n`);
  const target = path.join(modelsFolder(dataDir), pack.id);
  await swapFolderInto(staging, target);
  return target;
}

export class ModelStore {
  constructor(
    readonly dataDir: string,
    /** When given, verify() also checks files against the catalog's published sizes and checksums. */
    private readonly catalog: Catalog | null = null,
  ) {}

  get folder(): string {
    return modelsFolder(this.dataDir);
  }

  /** The catalog's packs (none when no catalog was given), for naming what to install. */
  catalogPacks(): CatalogPack[] {
    return this.catalog?.packs ?? [];
  }

  packFolder(id: string): string {
    if (!packIdPattern.test(id)) throw new RedubError('E_MODEL_UNKNOWN', { message: `"${id}" is not a model pack id.` });
    return resolveInside(this.folder, id);
  }

  manifest(id: string): PackManifest | null {
    try {
      const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(path.join(this.packFolder(id), manifestName), 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  isInstalled(id: string): boolean {
    return this.manifest(id) !== null;
  }

  listInstalled(): PackManifest[] {
    let names: string[];
    try {
      names = readdirSync(this.folder);
    } catch {
      return [];
    }
    return names
      .filter((name) => !name.startsWith('.'))
      .sort()
      .flatMap((name) => this.manifest(name) ?? []);
  }

  /** The installed pack, or E_MODEL_MISSING naming it and the commands that install it. */
  requirePack(id: string): InstalledPack {
    const manifest = this.manifest(id);
    if (!manifest) {
      const name = this.catalog?.packs.find((pack) => pack.id === id)?.name;
      throw new RedubError('E_MODEL_MISSING', {
        message: `The model pack "${id}"${name ? ` (${name})` : ''} is not installed.`,
        action: `Run \`redub models install ${id}\`, or \`redub models import ${id} <folder-or-archive>\` on an offline machine.`,
      });
    }
    const dir = this.packFolder(id);
    return { id, dir, manifest, file: (relativePath) => resolveInside(dir, relativePath) };
  }

  /** Removes a pack; it disappears at once by rename, and its files are deleted after. */
  async remove(id: string): Promise<boolean> {
    if (!this.isInstalled(id) && !(await exists(this.packFolder(id)))) return false;
    await mkdir(this.folder, { recursive: true });
    const aside = path.join(this.folder, `.trash-${id}-${randomSuffix()}`);
    await rename(this.packFolder(id), aside);
    await rm(aside, { recursive: true, force: true });
    return true;
  }

  /** Re-hashes every file against the manifest, and against the catalog when it publishes sizes and checksums. */
  async verify(id: string): Promise<VerifyResult> {
    const installed = this.requirePack(id);
    const problems: string[] = [];
    const recorded = new Map(installed.manifest.files.map((file) => [file.path, file]));
    const published = this.catalog?.packs.find((pack) => pack.id === id);
    for (const file of published?.files ?? []) {
      if (!recorded.has(file.path)) problems.push(`${file.path}: listed in the catalog but not installed`);
    }
    for (const file of installed.manifest.files) {
      let digest: FileDigest;
      try {
        digest = await hashFile(installed.file(file.path));
      } catch {
        problems.push(`${file.path}: missing or unreadable`);
        continue;
      }
      if (digest.size !== file.size) problems.push(`${file.path}: ${digest.size} bytes, but ${file.size} when installed`);
      else if (digest.sha256 !== file.sha256) problems.push(`${file.path}: its SHA-256 changed since it was installed`);
      const catalogFile = published?.files.find((candidate) => candidate.path === file.path);
      if (catalogFile?.size !== undefined && catalogFile.size !== digest.size) problems.push(`${file.path}: ${digest.size} bytes, but the catalog publishes ${catalogFile.size}`);
      else if (catalogFile?.sha256 !== undefined && catalogFile.sha256 !== digest.sha256) problems.push(`${file.path}: does not match the catalog's published SHA-256`);
    }
    return { id, ok: problems.length === 0, problems };
  }
}
