// Owns turning on Node's on-disk cache of compiled JavaScript (module.enableCompileCache, Node
// ≥ 22.1) for the processes Redub starts: the command, its workers, eSpeak NG's thread. Each
// loads its modules again on every start, and V8 compiles them again unless such a cache keeps
// them. Node 20 has no such call (nor a public cache for ES modules at all): there this does
// nothing. Node keeps the cache in its own place (NODE_COMPILE_CACHE, else the temporary
// folder) and stops using it by itself when it cannot write there.
import module from 'node:module';

type WithCompileCache = typeof module & { enableCompileCache?: () => unknown };

/** Turns the cache on for modules loaded from now on; false where this Node has no such cache. */
export function enableCompileCache(): boolean {
  const enable = (module as WithCompileCache).enableCompileCache;
  if (typeof enable !== 'function') return false;
  try {
    enable();
    return true;
  } catch {
    // A cache is a favour: without it, modules compile as they always did.
    return false;
  }
}
