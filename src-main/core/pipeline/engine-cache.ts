// Engines a worker has loaded, kept for the life of the process so the next task starts warm
// (the seeds' MODEL_CACHE). Each stage says how its engine loads; this only keeps it: loading
// happens once per key, however many tasks ask at once, and a failed load is forgotten so the
// next task tries again.
interface WarmEngine {
  engine: Promise<unknown>;
  sink: { log?: (message: string) => void };
}

export class EngineCache {
  private readonly warmEngines = new Map<string, WarmEngine>();

  /**
   * The engine under `key` (its kind, provider preference and model path), loaded by `load` the
   * first time. What the engine says later (a provider fallback) goes to the `log` of the task
   * that uses it now, not to the one that loaded it.
   */
  warm<T>(key: string, load: (log: (message: string) => void) => Promise<T>, log?: (message: string) => void): Promise<T> {
    let entry = this.warmEngines.get(key);
    if (!entry) {
      const sink: WarmEngine['sink'] = {};
      const created: WarmEngine = { engine: load((message) => sink.log?.(message)), sink };
      this.warmEngines.set(key, created);
      created.engine.catch(() => this.warmEngines.delete(key));
      entry = created;
    }
    entry.sink.log = log;
    return entry.engine as Promise<T>;
  }

  /** A model engine, one per kind, provider preference and model file or folder. */
  warmModel<T>(kind: string, preference: string, model: string, load: (log: (message: string) => void) => Promise<T>, log?: (message: string) => void): Promise<T> {
    return this.warm(`${kind}\0${preference}\0${model}`, load, log);
  }
}
