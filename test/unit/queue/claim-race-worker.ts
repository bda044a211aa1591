// A separate thread with its own connection that claims jobs until none are left, so the
// claim-race test pits real concurrent writers against one another.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../../src-main/core/store/database.js';
import { Store } from '../../../src-main/core/store/store.js';

const { file, owner, go } = workerData as { file: string; owner: string; go: SharedArrayBuffer };
const db = openDatabase(file);
const store = new Store(db);
Atomics.wait(new Int32Array(go), 0, 0);
const claimed: string[] = [];
for (let job = store.jobs.claimNext(owner, 60_000); job; job = store.jobs.claimNext(owner, 60_000)) claimed.push(job.id);
db.close();
parentPort?.postMessage(claimed);
