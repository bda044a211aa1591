// Owns the choice of ONNX Runtime execution provider (SPEC §1, "GPU when present, CPU always"):
// what this platform offers, the order to try providers in for a preference, and sessions that
// fall back to the CPU with a warning when a GPU provider cannot start or fails mid-run.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ExecutionPreference } from '../../shared/contract.js';
import { RedubError, type ErrorCode } from '../../shared/errors.js';

export type { ExecutionPreference };
export type ExecutionProviderName = 'cpu' | 'cuda' | 'directml' | 'coreml';

export interface ProviderInfo {
  name: ExecutionProviderName;
  available: boolean;
  /** Why an unavailable provider cannot be used here. */
  reason?: string;
}

/** What detection looks at; tests pass their own, everything else uses this machine's. */
export interface ProviderEnvironment {
  platform: NodeJS.Platform;
  arch: string;
  /** onnxruntime-node's `listSupportedBackends()` names. */
  backends: string[];
  /** onnxruntime-node's native folder for this platform (bin/napi-v6/<platform>/<arch>). */
  binDirectory: string | null;
  fileExists(file: string): boolean;
}

const gpuProviders: ExecutionProviderName[] = ['cuda', 'directml', 'coreml'];

/** The provider names onnxruntime-node's session options use. */
const ortNames: Record<ExecutionProviderName, string> = { cpu: 'cpu', cuda: 'cuda', directml: 'dml', coreml: 'coreml' };

const labels: Record<ExecutionProviderName, string> = { cpu: 'the CPU', cuda: 'CUDA', directml: 'DirectML', coreml: 'CoreML' };

export function providerLabel(provider: ExecutionProviderName): string {
  return labels[provider];
}

export function currentProviderEnvironment(): ProviderEnvironment {
  let binDirectory: string | null = null;
  try {
    // The package entry is dist/index.js; the native files sit in bin/napi-v6/<platform>/<arch>.
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    binDirectory = path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    binDirectory = null;
  }
  let backends: string[] = [];
  try {
    backends = (ort.listSupportedBackends?.() ?? []).map((backend) => backend.name);
  } catch {
    backends = [];
  }
  return { platform: process.platform, arch: process.arch, backends, binDirectory, fileExists: existsSync };
}

/** Every provider Redub knows, each available or not with the reason; the CPU is always there. */
export function detectExecutionProviders(environment: ProviderEnvironment = currentProviderEnvironment()): ProviderInfo[] {
  return [{ name: 'cpu', available: true }, detectCuda(environment), detectDirectMl(environment), detectCoreMl(environment)];
}

function detectCuda({ platform, arch, backends, binDirectory, fileExists }: ProviderEnvironment): ProviderInfo {
  if ((platform !== 'linux' && platform !== 'win32') || arch !== 'x64') {
    return { name: 'cuda', available: false, reason: 'onnxruntime-node offers CUDA on Linux and Windows x64 only' };
  }
  if (!backends.includes('cuda')) return { name: 'cuda', available: false, reason: 'this onnxruntime-node build has no CUDA backend' };
  const library = platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (!binDirectory || !fileExists(path.join(binDirectory, library))) {
    return { name: 'cuda', available: false, reason: 'CUDA libraries not installed: they download with onnxruntime-node where a network exists' };
  }
  return { name: 'cuda', available: true };
}

function detectDirectMl({ platform, backends }: ProviderEnvironment): ProviderInfo {
  if (platform !== 'win32') return { name: 'directml', available: false, reason: 'DirectML is Windows only' };
  if (!backends.includes('dml')) return { name: 'directml', available: false, reason: 'this onnxruntime-node build has no DirectML backend' };
  return { name: 'directml', available: true };
}

function detectCoreMl({ platform, backends }: ProviderEnvironment): ProviderInfo {
  if (platform !== 'darwin') return { name: 'coreml', available: false, reason: 'CoreML is macOS only' };
  if (!backends.includes('coreml')) return { name: 'coreml', available: false, reason: 'this onnxruntime-node build has no CoreML backend' };
  return { name: 'coreml', available: true };
}

/**
 * The providers to try, in order. 'auto' means the available GPU providers, then the CPU; a named
 * provider is tried even where detection calls it unavailable (detection can be wrong, and the
 * attempt's failure becomes the warning a person sees), with the CPU behind it.
 */
export function providerOrder(preference: ExecutionPreference, providers: ProviderInfo[] = detectExecutionProviders()): ExecutionProviderName[] {
  if (preference === 'cpu') return ['cpu'];
  if (preference === 'auto') {
    return [...providers.filter((provider) => provider.available && gpuProviders.includes(provider.name)).map((provider) => provider.name), 'cpu'];
  }
  return [preference, 'cpu'];
}

export type SessionFactory = (model: string | Uint8Array, options: ort.InferenceSession.SessionOptions) => Promise<ort.InferenceSession>;

const createOrtSession: SessionFactory = (model, options) =>
  typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options);

export interface SessionFallbackOptions {
  preference: ExecutionPreference;
  /** Everything but `executionProviders`, which this module sets. */
  sessionOptions?: ort.InferenceSession.SessionOptions;
  /** Receives the warning sentences (a GPU provider that fell back). */
  log?: (message: string) => void;
  /** The engine's error code for a model that cannot run even on the CPU. */
  errorCode: ErrorCode;
  /** Sentences in front of the runtime's own message when even the CPU fails. */
  errorDetails?: string[];
  /** Providers to try, when the caller has already decided (default: providerOrder(preference)). */
  order?: ExecutionProviderName[];
  /** How sessions are made; tests inject one to force failures. */
  createSession?: SessionFactory;
}

/** A session and the provider it runs on; runWithFallback swaps both when a GPU fails mid-run. */
export interface SessionHolder {
  session: ort.InferenceSession;
  provider: ExecutionProviderName;
  readonly model: string | Uint8Array;
  readonly options: SessionFallbackOptions;
}

/** Creates a session on the first provider in order that starts; the CPU failing is the real error. */
export async function createSessionWithFallback(model: string | Uint8Array, options: SessionFallbackOptions): Promise<SessionHolder> {
  const order = [...(options.order ?? providerOrder(options.preference))];
  if (!order.includes('cpu')) order.push('cpu');
  for (const [index, provider] of order.entries()) {
    try {
      const session = await createOn(model, provider, options);
      return { session, provider, model, options };
    } catch (error) {
      if (provider === 'cpu') throw cpuFailure(options, error);
      const next = order[index + 1] ?? 'cpu';
      options.log?.(`${providerLabel(provider)} could not start (${shortReason(error)}); running on ${next === 'cpu' ? 'the CPU' : providerLabel(next)} instead.`);
    }
  }
  // The loop always reaches 'cpu', which returns or throws.
  throw cpuFailure(options, new Error('no execution provider was tried'));
}

/**
 * Runs the session; when a run on a GPU provider fails with an out-of-memory, CUDA or provider
 * error, rebuilds the session on the CPU once, warns, and retries. The holder then keeps the CPU
 * session, so later runs stay there.
 */
export async function runWithFallback(holder: SessionHolder, feeds: ort.InferenceSession.FeedsType): Promise<ort.InferenceSession.ReturnType> {
  try {
    return await holder.session.run(feeds);
  } catch (error) {
    if (holder.provider === 'cpu' || !isProviderFailure(error)) throw error;
    const failed = { session: holder.session, provider: holder.provider };
    holder.session = await createOn(holder.model, 'cpu', holder.options).catch((cpuError: unknown) => {
      throw cpuFailure(holder.options, cpuError);
    });
    holder.provider = 'cpu';
    holder.options.log?.(`${providerLabel(failed.provider)} failed while running (${shortReason(error)}); running on the CPU instead.`);
    await failed.session.release().catch(() => undefined);
    return holder.session.run(feeds);
  }
}

/** Errors that mean the GPU or its provider gave out, not that the model or its inputs are wrong. */
export function isProviderFailure(error: unknown): boolean {
  return /out of memory|\boom\b|cuda|cudnn|cublas|curand|cufft|directml|\bdml\b|coreml|execution provider|provider|gpu|device/i.test(errorText(error));
}

function createOn(model: string | Uint8Array, provider: ExecutionProviderName, options: SessionFallbackOptions): Promise<ort.InferenceSession> {
  const create = options.createSession ?? createOrtSession;
  return create(model, { ...options.sessionOptions, executionProviders: [ortNames[provider]] });
}

function cpuFailure(options: SessionFallbackOptions, error: unknown): RedubError {
  if (error instanceof RedubError) return error;
  return new RedubError(options.errorCode, { details: [...(options.errorDetails ?? []), errorText(error)], cause: error });
}

/** The runtime's message, first line only and trimmed: it goes inside a sentence. */
export function shortReason(error: unknown): string {
  const line = errorText(error).split('\n').find((text) => text.trim()) ?? 'unknown error';
  const trimmed = line.trim().replace(/[.\s]+$/, '');
  return trimmed.length > 200 ? `${trimmed.slice(0, 197)}…` : trimmed;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
