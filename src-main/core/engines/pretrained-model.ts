// Owns loading transformers.js models (Whisper, NLLB, Marian) from an installed pack folder, with
// nothing fetched from a hub, on the execution provider the job prefers: a GPU provider that
// cannot start, or that fails mid-run with an out-of-memory or provider error, is replaced by the
// CPU with a warning, as the Piper and VAD sessions do.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as Transformers from '@huggingface/transformers';
import { RedubError } from '../../shared/errors.js';
import { isProviderFailure, providerLabel, providerOrder, shortReason, type ExecutionPreference, type ExecutionProviderName } from '../models/execution-providers.js';

export type TransformersModule = typeof Transformers;
/** transformers.js's names for the ONNX files it loads: fp32 `x.onnx`, q8 `x_quantized.onnx`. */
export type ModelPrecision = 'fp32' | 'q8';

let transformers: Promise<TransformersModule> | null = null;

/** transformers.js, set to read local files only: no hub, no cache folder, quiet logs. */
export function loadTransformers(): Promise<TransformersModule> {
  transformers ??= import('@huggingface/transformers').then((module) => {
    module.env.allowRemoteModels = false;
    module.env.allowLocalModels = true;
    module.env.useFSCache = false;
    module.env.useBrowserCache = false;
    module.env.logLevel = module.LogLevel.ERROR;
    return module;
  });
  return transformers;
}

/** The transformers.js device name for each provider. */
const deviceNames: Record<ExecutionProviderName, string> = { cpu: 'cpu', cuda: 'cuda', directml: 'dml', coreml: 'coreml' };

export interface PackFiles {
  /** The installed pack's folder (config.json, tokenizer.json, onnx/…). */
  dir: string;
  /** The pack id, for messages that say which pack to reinstall. */
  packId: string;
  /** The ONNX files the engine needs, without folder or extension (e.g. encoder_model). */
  sessions: string[];
  /** Other files the engine reads. */
  files: string[];
}

/**
 * The precision to load: on the CPU the 8-bit files when the pack has them (smaller, faster),
 * on a GPU the fp32 files when present (GPU providers run few 8-bit kernels).
 */
export function choosePrecision(pack: PackFiles, provider: ExecutionProviderName): ModelPrecision {
  const has = (precision: ModelPrecision) => pack.sessions.every((name) => existsSync(onnxPath(pack, name, precision)));
  const preferred: ModelPrecision[] = provider === 'cpu' ? ['q8', 'fp32'] : ['fp32', 'q8'];
  const found = preferred.find(has);
  if (!found) {
    const missing = pack.sessions.map((name) => `onnx/${name}.onnx`).join(' and ');
    throw missingPack(pack, `The model pack "${pack.packId}" has neither ${missing} nor their _quantized versions.`);
  }
  return found;
}

function onnxPath(pack: PackFiles, name: string, precision: ModelPrecision): string {
  return path.join(pack.dir, 'onnx', `${name}${precision === 'q8' ? '_quantized' : ''}.onnx`);
}

/** Checks the pack's non-ONNX files are there before transformers.js gives a vaguer message. */
export function requirePackFiles(pack: PackFiles): void {
  if (!existsSync(pack.dir)) throw missingPack(pack, `The model pack "${pack.packId}" is not installed (no folder at ${pack.dir}).`);
  const missing = pack.files.filter((file) => !existsSync(path.join(pack.dir, file)));
  if (missing.length > 0) throw missingPack(pack, `The model pack "${pack.packId}" is missing ${missing.join(', ')}.`);
}

function missingPack(pack: Pick<PackFiles, 'packId'>, sentence: string): RedubError {
  return new RedubError('E_MODEL_MISSING', {
    message: sentence,
    action: `Run \`redub models install ${pack.packId}\` (or \`redub models verify ${pack.packId}\` to see what is wrong with it).`,
  });
}

export interface LoadedOn<T> {
  value: T;
  provider: ExecutionProviderName;
  precision: ModelPrecision;
}

/** Loads the model's parts for one device and precision; tests pass their own. */
export type PretrainedLoader<T> = (device: string, precision: ModelPrecision) => Promise<T>;

export interface ProviderOptions {
  preference: ExecutionPreference;
  log?: (message: string) => void;
  /** Providers to try (default: providerOrder(preference)). */
  order?: ExecutionProviderName[];
}

/** Loads on the first provider in order that starts; the CPU failing is the pack's fault. */
async function loadOnProviders<T>(pack: PackFiles, load: PretrainedLoader<T>, options: ProviderOptions): Promise<LoadedOn<T>> {
  requirePackFiles(pack);
  const order = [...(options.order ?? providerOrder(options.preference))];
  if (!order.includes('cpu')) order.push('cpu');
  for (const [index, provider] of order.entries()) {
    const precision = choosePrecision(pack, provider);
    try {
      return { value: await load(deviceNames[provider], precision), provider, precision };
    } catch (error) {
      if (provider === 'cpu') throw loadFailure(pack, error);
      const next = order[index + 1] ?? 'cpu';
      options.log?.(`${providerLabel(provider)} could not start ${pack.packId} (${shortReason(error)}); running on ${providerLabel(next)} instead.`);
    }
  }
  throw loadFailure(pack, new Error('no execution provider was tried'));
}

/**
 * A loaded model that moves itself to the CPU when a GPU run fails: `run` retries the work once on
 * a CPU copy, warns, and keeps the CPU copy for later runs.
 */
/** A loaded model's parts; its `model` holds the ONNX sessions to release. */
export interface ModelParts {
  model: { dispose(): Promise<unknown> };
}

export class ProviderBound<T extends ModelParts> {
  private constructor(
    private loaded: LoadedOn<T>,
    private readonly pack: PackFiles,
    private readonly load: PretrainedLoader<T>,
    private readonly log: (message: string) => void,
  ) {}

  static async create<T extends ModelParts>(pack: PackFiles, load: PretrainedLoader<T>, options: ProviderOptions): Promise<ProviderBound<T>> {
    const loaded = await loadOnProviders(pack, load, options);
    return new ProviderBound(loaded, pack, load, options.log ?? (() => undefined));
  }

  get provider(): ExecutionProviderName {
    return this.loaded.provider;
  }

  get precision(): ModelPrecision {
    return this.loaded.precision;
  }

  get value(): T {
    return this.loaded.value;
  }

  async run<R>(work: (value: T) => Promise<R>): Promise<R> {
    try {
      return await work(this.loaded.value);
    } catch (error) {
      if (this.loaded.provider === 'cpu' || !isProviderFailure(error)) throw error;
      const failed = this.loaded;
      const precision = choosePrecision(this.pack, 'cpu');
      const value = await this.load(deviceNames.cpu, precision).catch((cpuError: unknown) => {
        throw loadFailure(this.pack, cpuError);
      });
      this.loaded = { value, provider: 'cpu', precision };
      this.log(`${providerLabel(failed.provider)} failed while running ${this.pack.packId} (${shortReason(error)}); running on the CPU instead.`);
      await failed.value.model.dispose().catch(() => undefined);
      return work(value);
    }
  }

  async dispose(): Promise<void> {
    await this.loaded.value.model.dispose();
  }
}

function loadFailure(pack: PackFiles, error: unknown): RedubError {
  if (error instanceof RedubError) return error;
  const text = error instanceof Error ? error.message : String(error);
  if (/not found locally|no such file|ENOENT/i.test(text)) {
    return new RedubError('E_MODEL_MISSING', { message: `A file of the model pack "${pack.packId}" is missing.`, action: `Run \`redub models install ${pack.packId}\` again.`, details: [text], cause: error });
  }
  return new RedubError('E_MODEL_CORRUPT', {
    message: `The model pack "${pack.packId}" could not be loaded.`,
    action: `Run \`redub models verify ${pack.packId}\`; if a file is damaged, install the pack again.`,
    details: [text],
    cause: error,
  });
}
