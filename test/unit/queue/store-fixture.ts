// A Store on a fresh file with a clock the test moves by hand.
import path from 'node:path';
import { openDatabase, type Database } from '../../../src-main/core/store/database.js';
import { Store, type JobQueueOptions, type NewJob } from '../../../src-main/core/store/store.js';

export interface StoreFixture {
  db: Database;
  store: Store;
  file: string;
  clock: { now: number };
  /** Another connection to the same file, as a second process would have. */
  open(options?: JobQueueOptions): Store;
  close(): void;
}

export function createStore(directory: string, options: JobQueueOptions = {}): StoreFixture {
  const file = path.join(directory, 'redub.db');
  const clock = { now: 1_700_000_000_000 };
  const databases: Database[] = [];
  const open = (extra: JobQueueOptions = {}) => {
    const db = openDatabase(file);
    databases.push(db);
    return new Store(db, { clock: () => clock.now, random: () => 0.5, ...options, ...extra });
  };
  const store = open();
  return {
    db: databases[0]!, store, file, clock, open,
    close: () => databases.forEach((db) => db.close()),
  };
}

let counter = 0;

export function newJob(overrides: Partial<NewJob> = {}): NewJob {
  counter++;
  return {
    idempotencyKey: `key-${counter}`,
    inputPath: `/videos/clip-${counter}.mp4`,
    language: 'es',
    sourceLanguage: 'en',
    options: { voice: 'default' },
    ...overrides,
  };
}
