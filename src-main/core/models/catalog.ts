// The model catalog (models/catalog.json, SPEC §5): every pack Redub knows, with its files,
// sizes, checksums, source and licence. Validated on load so a bad edit fails with a sentence.
// REDUB_MODEL_CATALOG overrides the catalog's path; the tests point it at a catalog of their own.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { packKinds } from '../../shared/contract.js';
import { RedubError } from '../../shared/errors.js';
import { packageRoot } from '../package-root.js';
import { isSafeRelativePath } from './files.js';

/** Pack ids become folder names in the data folder, so they are kept to a portable alphabet. */
export const packIdPattern = /^[a-z0-9][a-z0-9._-]*$/;

const packFileSchema = z.object({
  path: z.string().refine(isSafeRelativePath, { message: 'must be a relative path without ".." or backslashes' }),
  url: z.url(),
  size: z.number().int().nonnegative().optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, { message: 'must be 64 hexadecimal digits' })
    .transform((value) => value.toLowerCase())
    .optional(),
});

export const packSchema = z
  .object({
    id: z.string().regex(packIdPattern, { message: 'must be lower-case letters, digits, ".", "_" or "-"' }),
    kind: z.enum(packKinds),
    name: z.string().min(1),
    languages: z.array(z.string().min(1)),
    engine: z.string().min(1),
    license: z.string().min(1),
    sourceUrl: z.string().min(1),
    minMemoryMb: z.number().nonnegative(),
    files: z.array(packFileSchema).min(1),
    notes: z.string().optional(),
    /**
     * What the engine must know of the model that its files do not say, as published with it
     * (an MDX-Net model's FFT size and frequency bins, a segmentation model's window): read by
     * the engine's own schema, so a catalog edit that breaks one is caught when the pack loads.
     */
    parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).optional(),
  })
  .refine((pack) => new Set(pack.files.map((file) => file.path)).size === pack.files.length, { message: 'lists the same file path twice' });

export const catalogSchema = z
  .object({ version: z.literal(1), packs: z.array(packSchema) })
  .refine((catalog) => new Set(catalog.packs.map((pack) => pack.id)).size === catalog.packs.length, { message: 'lists the same pack id twice' });

export type CatalogPack = z.infer<typeof packSchema>;
export type CatalogFile = CatalogPack['files'][number];
export type Catalog = z.infer<typeof catalogSchema>;

export function defaultCatalogPath(): string {
  return process.env.REDUB_MODEL_CATALOG ? path.resolve(process.env.REDUB_MODEL_CATALOG) : path.join(packageRoot(), 'models', 'catalog.json');
}

export function parseCatalog(value: unknown, source = 'the model catalog'): Catalog {
  const parsed = catalogSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new RedubError('E_INTERNAL', {
    message: `${source} is not valid.`,
    action: 'Restore models/catalog.json from the Redub release, or fix the fields named in the details.',
    details: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(catalog)'}: ${issue.message}`),
  });
}

export function loadCatalog(file = defaultCatalogPath()): Catalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RedubError('E_INTERNAL', { message: `The model catalog ${file} cannot be read.`, action: 'Restore models/catalog.json from the Redub release, or set REDUB_MODEL_CATALOG to a catalog file.', details: [(error as Error).message], cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RedubError('E_INTERNAL', { message: `The model catalog ${file} is not valid JSON.`, action: 'Restore models/catalog.json from the Redub release.', details: [(error as Error).message], cause: error });
  }
  return parseCatalog(json, `The model catalog ${file}`);
}

export function findPack(catalog: Catalog, id: string): CatalogPack {
  const pack = catalog.packs.find((candidate) => candidate.id === id);
  if (pack) return pack;
  const close = closeIds(id, catalog.packs.map((candidate) => candidate.id));
  throw new RedubError('E_MODEL_UNKNOWN', {
    message: `There is no model pack "${id}" in the catalog.`,
    action: close.length > 0 ? `Did you mean ${close.map((candidate) => `"${candidate}"`).join(' or ')}? Run \`redub models list\` to see every pack.` : 'Run `redub models list` to see the packs.',
    details: close.length > 0 ? [`Close ids: ${close.join(', ')}`] : [],
  });
}

/** Ids a typo could have meant: small edit distance, or one containing the other. */
export function closeIds(id: string, ids: string[]): string[] {
  const wanted = id.toLowerCase();
  const scored = ids
    .map((candidate) => ({ candidate, distance: editDistance(wanted, candidate.toLowerCase()) }))
    .filter(({ candidate, distance }) => distance <= Math.max(2, Math.floor(wanted.length / 3)) || (wanted.length >= 3 && candidate.includes(wanted)));
  return scored.sort((a, b) => a.distance - b.distance).slice(0, 3).map(({ candidate }) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export function packSize(pack: CatalogPack): number | null {
  return pack.files.every((file) => file.size !== undefined) ? pack.files.reduce((sum, file) => sum + (file.size ?? 0), 0) : null;
}
