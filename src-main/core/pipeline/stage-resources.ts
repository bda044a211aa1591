// Owns which worker pool runs a neural stage (SPEC §2: GPU stages run one at a time by default,
// CPU stages cores − 1 at a time). A stage whose model will run on a GPU belongs in the GPU pool,
// so two jobs never load Whisper onto one GPU at once; on a machine without one it stays in the
// CPU pool, where it can run beside other jobs' stages.
import type { ExecutionPreference } from '../../shared/contract.js';
import type { ResourceClass } from '../../shared/jobs.js';
import type { ProviderInfo } from '../models/execution-providers.js';

let detected: Promise<ProviderInfo[]> | null = null;

/** The pool for a stage that runs a neural model under `preference`. */
export async function neuralStageResource(preference: ExecutionPreference, providers?: ProviderInfo[]): Promise<ResourceClass> {
  if (preference === 'cpu') return 'cpu';
  if (preference !== 'auto') return 'gpu';
  // Detection loads onnxruntime-node, once per process, and only when a neural stage asks.
  detected ??= import('../models/execution-providers.js').then(({ detectExecutionProviders }) => detectExecutionProviders());
  const available = providers ?? (await detected);
  return available.some((provider) => provider.name !== 'cpu' && provider.available) ? 'gpu' : 'cpu';
}
