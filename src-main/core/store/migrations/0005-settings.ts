// Migration 5: application settings as JSON values (the queue's pause flag lives here too).
import type { Migration } from '../database.js';

export const migration: Migration = {
  version: 5,
  name: 'settings',
  up(db) {
    db.exec(`
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      );
    `);
  },
};
