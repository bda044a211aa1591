// Where a dropped or picked file lives on disk. Electron's preload exposes
// `window.redubFiles.pathFor(file)` (webUtils.getPathForFile) and `onOpenPaths` (files opened from
// outside the window: a second launch, macOS "Open with"); a browser page has neither, and there
// files are uploaded instead.

export interface RedubFiles {
  pathFor(file: File): string;
  onOpenPaths?(listener: (paths: string[]) => void): () => void;
}

/** A file known only by its path, as the desktop app hands over files opened from outside. */
export interface DiskFile {
  name: string;
  path: string;
}

/** What the new-job form holds: a File from a drop or picker, or a path from the desktop app. */
export type DraftFile = File | DiskFile;

type FileHost = { redubFiles?: RedubFiles };

export function isDiskFile(file: DraftFile): file is DiskFile {
  return typeof (file as Partial<DiskFile>).path === 'string' && !(typeof File !== 'undefined' && file instanceof File);
}

export function diskFile(path: string): DiskFile {
  const parts = path.split(/[\\/]/);
  return { name: parts[parts.length - 1] || path, path };
}

/** The file's path on disk, or null where the page cannot know it (a browser, a pasted blob). */
export function pathForFile(file: DraftFile, host: FileHost = globalThis as FileHost): string | null {
  if (isDiskFile(file)) return file.path;
  const files = host.redubFiles;
  if (!files || typeof files.pathFor !== 'function') return null;
  try {
    const path = files.pathFor(file);
    return path ? path : null; // Electron answers '' for a file that is not on disk
  } catch {
    return null;
  }
}

/** Listens for files opened from outside the window; a no-op outside the desktop app. */
export function onOpenPaths(listener: (files: DiskFile[]) => void, host: FileHost = globalThis as FileHost): () => void {
  const subscribe = host.redubFiles?.onOpenPaths;
  if (typeof subscribe !== 'function') return () => undefined;
  return subscribe.call(host.redubFiles, (paths) => listener(paths.map(diskFile)));
}
