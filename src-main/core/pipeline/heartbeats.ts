// A stage runs in a worker whose heartbeat is a timer on the same thread: while a stage computes
// without awaiting, no heartbeat goes out, and past the pool's timeout (30 s) the worker is taken
// for hung and killed. An hour's mix, done in one go on a busy machine, got there. Long stages
// await this between steps so the timer can run.
export function letHeartbeatsThrough(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
