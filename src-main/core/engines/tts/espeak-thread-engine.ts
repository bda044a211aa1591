// Owns eSpeak NG run in a thread of its own (espeak-thread.ts): a stage worker starts it as it
// starts or when a job names eSpeak, and it loads on another core while the worker runs the
// stages before synthesis (a subtitle dub reaches synthesis in a few hundred milliseconds). A call that gets no answer in time stops the thread, so a stuck engine
// fails its stage instead of hanging a worker that still sends heartbeats; the next call starts
// a fresh thread.
import { Worker } from 'node:worker_threads';
import type { EspeakVoice } from './espeak-voice-table.js';
import type { EspeakEngine, SpeakRequest } from './espeak-module.js';

export type ThreadRequest = { id: number; op: 'speak'; request: SpeakRequest } | { id: number; op: 'phonemize'; identifier: string; text: string };

export type ThreadReply =
  | { type: 'ready'; voices: EspeakVoice[]; sampleRate: number }
  | { type: 'unavailable'; message: string }
  | { type: 'spoken'; id: number; samples: Int16Array }
  | { type: 'phonemized'; id: number; result: { code: number; ipa: string } }
  | { type: 'failed'; id: number; message: string };

interface Pending {
  resolve: (reply: ThreadReply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** How long the thread may take to load, and to answer a call, before it counts as stuck. */
export interface ThreadLimits {
  loadMs: number;
  callMs: (text: string) => number;
}

/** Generous: loading takes a tenth of a second, and one cue well under a second. */
const defaultLimits: ThreadLimits = { loadMs: 60_000, callMs: (text) => 30_000 + 10 * text.length };

export class EspeakThread implements EspeakEngine {
  voices: readonly EspeakVoice[] = [];
  sampleRate = 0;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopReason: string | null = null;
  private readonly loading: { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

  // Listeners are added once and never removed: a Worker starts and stops delivering messages as
  // its 'message' listeners come and go.
  private constructor(
    private readonly worker: Worker,
    private readonly limits: ThreadLimits,
  ) {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    this.loading = { promise, resolve, reject, timer: setTimeout(() => this.stop(`eSpeak NG did not load within ${limits.loadMs / 1000} s.`), limits.loadMs) };
    worker.on('message', (reply: ThreadReply) => this.receive(reply));
    worker.on('error', (error) => this.stop(`eSpeak NG's thread failed: ${error.message}`));
    worker.on('exit', (code) => this.stop(`eSpeak NG's thread ended (exit code ${code}).`));
  }

  /** Starts the thread and resolves once eSpeak NG has loaded in it. */
  static async start(entry: string, limits: Partial<ThreadLimits> = {}): Promise<EspeakThread> {
    const thread = new EspeakThread(new Worker(entry), { ...defaultLimits, ...limits });
    await thread.loading.promise;
    return thread;
  }

  /** Whether the thread has stopped (failed, ended or timed out): a new one must be started. */
  get stopped(): boolean {
    return this.stopReason !== null;
  }

  async speak(request: SpeakRequest): Promise<Int16Array> {
    const reply = await this.call((id) => ({ id, op: 'speak', request }), request.text);
    if (reply.type !== 'spoken') throw new Error('eSpeak NG\'s thread gave an unexpected answer.');
    return reply.samples;
  }

  async phonemize(identifier: string, text: string): Promise<{ code: number; ipa: string }> {
    const reply = await this.call((id) => ({ id, op: 'phonemize', identifier, text }), text);
    if (reply.type !== 'phonemized') throw new Error('eSpeak NG\'s thread gave an unexpected answer.');
    return reply.result;
  }

  /** Ends the thread; loading and calls in flight fail with `reason`. */
  stop(reason: string): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    clearTimeout(this.loading.timer);
    this.loading.reject(new Error(reason));
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(new Error(reason));
    }
    this.pending.clear();
    void this.worker.terminate();
  }

  private call(request: (id: number) => ThreadRequest, text: string): Promise<ThreadReply> {
    if (this.stopReason !== null) return Promise.reject(new Error(this.stopReason));
    const id = this.nextId++;
    return new Promise<ThreadReply>((resolve, reject) => {
      const limitMs = this.limits.callMs(text);
      const timer = setTimeout(() => this.stop(`eSpeak NG gave no answer within ${limitMs / 1000} s and was stopped.`), limitMs);
      this.pending.set(id, { resolve, reject, timer });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage(request(id));
    });
  }

  private receive(reply: ThreadReply): void {
    if (this.stopReason !== null) return;
    if (reply.type === 'unavailable') return this.stop(reply.message);
    if (reply.type === 'ready') {
      this.voices = reply.voices;
      this.sampleRate = reply.sampleRate;
      clearTimeout(this.loading.timer);
      this.loading.resolve();
      // An idle engine never keeps a process alive; a call in flight does (see call()).
      this.worker.unref();
      return;
    }
    const entry = this.pending.get(reply.id);
    if (!entry) return;
    this.pending.delete(reply.id);
    clearTimeout(entry.timer);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.type === 'failed') entry.reject(new Error(reply.message));
    else entry.resolve(reply);
  }
}
