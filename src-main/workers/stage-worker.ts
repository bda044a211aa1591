// Entry of a worker process: receives stage tasks from the host, runs them with engines it keeps
// loaded between tasks, and streams progress, logs and heartbeats back (worker-runtime.ts). This
// file loads next to nothing itself: eSpeak NG, the slowest engine to load, starts in a thread of
// its own first when the host asks for it at start, and the stages load beside it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EspeakSynthesizer, runEspeakInThread } from '../core/engines/tts/espeak-synthesizer.js';
import { enableCompileCache } from '../core/worker-host/compile-cache.js';

// The stages and engines below load compiled from Node's cache where it has one (Node ≥ 22.1).
enableCompileCache();

// Bundled, eSpeak NG's thread entry lies beside this file; from the sources it does not, and
// eSpeak NG runs in this thread as before.
const espeakThread = fileURLToPath(new URL('./espeak-thread.js', import.meta.url));
if (existsSync(espeakThread)) runEspeakInThread(espeakThread);

// The seeds' PRELOAD_MODELS, now only when asked for: by default nothing loads until the host
// names a starting job's engines ('warm'), so a worker loads what its jobs use and nothing else.
const preloads = { vad: 'silero-vad', tts: 'espeak' } as const;
const preload = (process.env.REDUB_PRELOAD_ENGINES ?? '').split(',').filter((name): name is keyof typeof preloads => name in preloads);
// The same load the synthesize stage waits for (one per process): failing here, it fails there with the reason.
if (preload.includes('tts')) EspeakSynthesizer.load().catch(() => undefined);

const { startWorker } = await import('./worker-runtime.js');
startWorker(preload.map((name) => ({ engine: preloads[name] })));
