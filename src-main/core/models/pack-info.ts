// A catalog pack as the API, the renderer and `redub models list` describe it: the catalog's facts
// and whether this machine has it installed.
import type { ModelPackInfo } from '../../shared/contract.js';
import { packSize, type CatalogPack } from './catalog.js';
import type { ModelStore } from './model-store.js';

export function packInfo(pack: CatalogPack, store: ModelStore): ModelPackInfo {
  const manifest = store.manifest(pack.id);
  return {
    id: pack.id,
    kind: pack.kind,
    name: pack.name,
    engine: pack.engine,
    languages: [...pack.languages],
    license: pack.license,
    sourceUrl: pack.sourceUrl,
    minMemoryMb: pack.minMemoryMb,
    sizeBytes: packSize(pack),
    installed: manifest !== null,
    installedAt: manifest?.installedAt ?? null,
    notes: pack.notes ?? null,
  };
}
