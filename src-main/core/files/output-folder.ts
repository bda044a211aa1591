// Owns checking, before a job is queued, that its output folder can take the files: it is made if
// missing, must be a folder, and must accept a new file. A folder that looks harmless but refuses
// writes (/proc/self, a read-only mount) is refused now, not three attempts later.
import { randomUUID } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RedubError, storageErrorCode } from '../../shared/errors.js';

/** The folder's canonical path (symbolic links resolved), once it is known to take files. */
export function prepareOutputFolder(folder: string): string {
  const resolved = path.resolve(folder);
  const details = [`Folder: ${resolved}`];
  try {
    mkdirSync(resolved, { recursive: true });
    if (!statSync(resolved).isDirectory()) throw Object.assign(new Error('it is a file, not a folder'), { code: 'ENOTDIR' });
    const probe = path.join(resolved, `.redub-write-check-${randomUUID().slice(0, 8)}`);
    writeFileSync(probe, '', { flag: 'wx' });
    rmSync(probe, { force: true });
    return realpathSync(resolved);
  } catch (error) {
    if (storageErrorCode(error) === 'E_DISK_FULL') throw new RedubError('E_DISK_FULL', { details: [...details, (error as Error).message] });
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOTDIR' || code === 'EEXIST' ? 'A file (not a folder) is in the way.'
      : code === 'EACCES' || code === 'EPERM' ? 'You have no permission to create files there.'
      : code === 'EROFS' ? 'It is on a read-only file system.'
      : `It refuses new files (${code ?? (error as Error).message}).`;
    throw new RedubError('E_OUTPUT_NOT_WRITABLE', { message: `The output folder ${resolved} cannot be written to. ${reason}`, details });
  }
}
