// The engines a worker loads ahead of the stages that use them, when the host names them for a
// job that is starting ('warm'): each loads into the worker's engine cache, where the stage's own
// load finds it. Best effort: a failed warm-up is forgotten, and the stage loads (and fails) itself.
import { executionPreferenceSchema } from '../shared/contract.js';
import type { EngineCache } from '../core/pipeline/engine-cache.js';
import { loadEspeak } from '../core/pipeline/stages/synthesize.js';
import { loadDetector } from '../core/pipeline/stages/vad.js';
import type { EngineWarmup } from '../core/worker-host/protocol.js';

const warmers: Record<string, (engines: EngineCache, request: EngineWarmup) => Promise<unknown>> = {
  // In a thread of its own where the bundle has one (see runEspeakInThread).
  espeak: (engines) => loadEspeak(engines),
  'silero-vad': (engines, request) => loadDetector(engines, executionPreferenceSchema.catch('auto').parse(request.preference)),
};

export function warmEngines(engines: EngineCache, requests: readonly EngineWarmup[]): void {
  for (const request of requests) void warmers[request.engine]?.(engines, request).catch(() => undefined);
}
