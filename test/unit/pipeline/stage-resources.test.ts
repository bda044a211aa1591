import { describe, expect, it } from 'vitest';
import { neuralStageResource } from '../../../src-main/core/pipeline/stage-resources.js';
import { detectExecutionProviders, type ProviderInfo } from '../../../src-main/core/models/execution-providers.js';

const cpuOnly: ProviderInfo[] = [{ name: 'cpu', available: true }, { name: 'cuda', available: false, reason: 'no CUDA libraries' }];
const withCuda: ProviderInfo[] = [{ name: 'cpu', available: true }, { name: 'cuda', available: true }];

describe('neuralStageResource', () => {
  it('puts a neural stage in the GPU pool only when its model will run on a GPU', async () => {
    expect(await neuralStageResource('auto', cpuOnly)).toBe('cpu');
    expect(await neuralStageResource('auto', withCuda)).toBe('gpu');
    expect(await neuralStageResource('cpu', withCuda)).toBe('cpu');
    // A named GPU provider is tried even where detection doubts it, so it takes the GPU's turn.
    expect(await neuralStageResource('cuda', cpuOnly)).toBe('gpu');
  });

  it('detects this machine\'s providers when no list is given', async () => {
    const gpuHere = detectExecutionProviders().some((provider) => provider.name !== 'cpu' && provider.available);
    expect(await neuralStageResource('auto')).toBe(gpuHere ? 'gpu' : 'cpu');
  });
});
