// Where Redub keeps its database and artifacts: --data-dir, else REDUB_DATA_DIR, else the
// platform's usual place for application data.
import { homedir } from 'node:os';
import path from 'node:path';

export function resolveDataFolder(explicit?: string | null): string {
  if (explicit) return path.resolve(explicit);
  if (process.env.REDUB_DATA_DIR) return path.resolve(process.env.REDUB_DATA_DIR);
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(homedir(), 'AppData', 'Roaming'), 'Redub');
  if (process.platform === 'darwin') return path.join(homedir(), 'Library', 'Application Support', 'Redub');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(homedir(), '.local', 'share'), 'redub');
}
