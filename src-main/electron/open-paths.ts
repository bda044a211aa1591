// Files handed to Redub from outside the window: a second launch (`redub video.mp4` while Redub
// runs, or "Open with" on Linux and Windows) and macOS's open-file. Free of Electron: main
// collects the paths here and forwards them once the renderer has loaded.
import { statSync } from 'node:fs';
import path from 'node:path';

function isExistingFile(candidate: string): boolean {
  try {
    return statSync(candidate).isFile();
  } catch {
    return false;
  }
}

export interface ArgvOptions {
  /** The app's own folder (or asar): what lies inside it is Redub itself, never a file to dub. */
  appPath?: string;
  isFile?: (candidate: string) => boolean;
}

/**
 * The file paths in a command line. argv[0] is the executable; switches (Chromium adds its
 * own, macOS its -psn_…) are dropped, and so is anything that is not an existing file, such as
 * the app folder that `electron .` passes in development.
 */
export function pathsFromArgv(argv: readonly string[], workingDirectory: string, options: ArgvOptions = {}): string[] {
  const isFile = options.isFile ?? isExistingFile;
  const appPath = options.appPath ? path.resolve(options.appPath) : null;
  const insideApp = (candidate: string) => {
    if (appPath === null) return false;
    const relative = path.relative(appPath, candidate);
    return !relative.startsWith('..') && !path.isAbsolute(relative);
  };
  const paths = argv
    .slice(1)
    .filter((argument) => argument !== '' && !argument.startsWith('-'))
    .map((argument) => path.resolve(workingDirectory, argument))
    .filter((candidate) => !insideApp(candidate) && isFile(candidate));
  return [...new Set(paths)];
}

export interface PathsTarget {
  send(paths: string[]): void;
}

/** Holds paths until a loaded renderer can take them, then sends them in one message. */
export class OpenPathsForwarder {
  private pending: string[] = [];
  private target: PathsTarget | null = null;

  deliver(paths: readonly string[]): void {
    if (paths.length === 0) return;
    this.pending.push(...paths);
    this.flush();
  }

  /** The renderer has (re)loaded: it may take paths now. */
  attach(target: PathsTarget): void {
    this.target = target;
    this.flush();
  }

  /** The window is gone or reloading: hold paths again. */
  detach(): void {
    this.target = null;
  }

  private flush(): void {
    if (!this.target || this.pending.length === 0) return;
    const paths = [...new Set(this.pending)];
    this.pending = [];
    this.target.send(paths);
  }
}
