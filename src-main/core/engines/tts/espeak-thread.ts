// Entry of the thread eSpeak NG runs in (see espeak-thread-engine.ts): loads the module, says it
// is ready with its voices, then answers calls one at a time, in the order they came.
import { parentPort } from 'node:worker_threads';
import type { ThreadReply, ThreadRequest } from './espeak-thread-engine.js';
import { enableCompileCache } from '../../worker-host/compile-cache.js';
import { EspeakModule } from './espeak-module.js';

const port = parentPort;
if (!port) throw new Error('espeak-thread.js runs as a worker thread.');

function reply(message: ThreadReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Redub's own modules (and the older eSpeak NG build's 800 kB of JavaScript, should a voice need
// it), compiled from Node's cache where it has one (Node ≥ 22.1).
enableCompileCache();
let module: EspeakModule | null = null;
try {
  module = await EspeakModule.load();
} catch (error) {
  reply({ type: 'unavailable', message: messageOf(error) });
}

if (module) {
  const loaded = module;
  port.on('message', async (request: ThreadRequest) => {
    try {
      if (request.op === 'speak') {
        const samples = await loaded.speak(request.request);
        reply({ type: 'spoken', id: request.id, samples }, [samples.buffer as ArrayBuffer]);
      } else {
        reply({ type: 'phonemized', id: request.id, result: await loaded.phonemize(request.identifier, request.text) });
      }
    } catch (error) {
      reply({ type: 'failed', id: request.id, message: messageOf(error) });
    }
  });
  reply({ type: 'ready', voices: [...loaded.voices], sampleRate: loaded.sampleRate });
}
