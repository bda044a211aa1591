// Owns finding the ffmpeg and ffprobe executables Redub runs, and reporting their versions.
import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';

export type MediaToolSource = 'environment' | 'ffmpeg-static' | 'bundled' | 'system';

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
  /** Where ffmpeg came from; ffprobe may come from a later source (ffmpeg-static ships no ffprobe). */
  source: MediaToolSource;
  ffprobeSource: MediaToolSource;
}

type Tool = 'ffmpeg' | 'ffprobe';

interface Found {
  path: string;
  source: MediaToolSource;
}

const environmentVariables: Record<Tool, string> = { ffmpeg: 'REDUB_FFMPEG', ffprobe: 'REDUB_FFPROBE' };

let cached: MediaTools | null = null;

/** Finds ffmpeg and ffprobe once per process: environment → ffmpeg-static → bundled installers → PATH. */
export function resolveMediaTools(): MediaTools {
  if (cached) return cached;
  const ffmpeg = findTool('ffmpeg');
  const ffprobe = findTool('ffprobe');
  cached = { ffmpeg: ffmpeg.path, ffprobe: ffprobe.path, source: ffmpeg.source, ffprobeSource: ffprobe.source };
  return cached;
}

/** Forgets the resolved tools, so tests (and a doctor re-check) see a changed environment. */
export function resetMediaToolsCache(): void {
  cached = null;
}

function findTool(tool: Tool): Found {
  const variable = environmentVariables[tool];
  const configured = process.env[variable]?.trim();
  if (configured) {
    // An explicit setting that points nowhere is a mistake to report, not a hint to ignore.
    const resolved = configured.includes('/') || configured.includes('\\') ? executableOrNull(configured) : findOnPath(configured);
    if (!resolved) {
      throw new RedubError('E_FFMPEG_MISSING', {
        details: [`${variable} is set to "${configured}", which is not an executable file.`],
      });
    }
    return { path: resolved, source: 'environment' };
  }
  const found = (tool === 'ffmpeg' ? fromFfmpegStatic() : null) ?? fromInstallerPackage(tool) ?? fromPath(tool);
  if (found) return found;
  throw new RedubError('E_FFMPEG_MISSING', {
    details: [`No ${tool} was found in ${variable}, the bundled npm packages, or on PATH.`],
  });
}

const requireFromHere = createRequire(import.meta.url);

function fromFfmpegStatic(): Found | null {
  // ffmpeg-static is optional: its install step downloads the binary, so the module can load
  // while the file it names is absent (offline installs).
  const candidate = loadBinaryPath('ffmpeg-static', (exported) => (typeof exported === 'string' ? exported : null));
  const resolved = candidate ? executableOrNull(candidate) : null;
  return resolved ? { path: resolved, source: 'ffmpeg-static' } : null;
}

function fromInstallerPackage(tool: Tool): Found | null {
  const candidate = loadBinaryPath(`@${tool}-installer/${tool}`, (exported) => {
    const binaryPath = (exported as { path?: unknown } | null)?.path;
    return typeof binaryPath === 'string' ? binaryPath : null;
  });
  const resolved = candidate ? executableOrNull(candidate) : null;
  return resolved ? { path: resolved, source: 'bundled' } : null;
}

function loadBinaryPath(packageName: string, pick: (exported: unknown) => string | null): string | null {
  try {
    const binaryPath = pick(requireFromHere(packageName));
    return binaryPath ? unpackedFromAsar(binaryPath) : null;
  } catch {
    // Not installed, or its index throws because the platform package is missing.
    return null;
  }
}

/** Executables inside an Electron archive cannot be spawned; electron-builder unpacks them beside it. */
function unpackedFromAsar(binaryPath: string): string {
  return binaryPath.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
}

function fromPath(tool: Tool): Found | null {
  const resolved = findOnPath(tool);
  return resolved ? { path: resolved, source: 'system' } : null;
}

/** A program on the PATH (with Windows' extensions), executable, or null. */
export function findOnPath(name: string): string | null {
  const folders = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const extensions = process.platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const folder of folders) {
    for (const extension of extensions) {
      const resolved = executableOrNull(path.join(folder, name + extension));
      if (resolved) return resolved;
    }
  }
  return null;
}

function executableOrNull(candidate: string): string | null {
  try {
    if (!statSync(candidate).isFile()) return null;
    accessSync(candidate, constants.X_OK);
    return path.resolve(candidate);
  } catch {
    return null;
  }
}

export interface MediaToolVersions {
  tools: MediaTools;
  /** First line of `ffmpeg -version`, e.g. "ffmpeg version 6.1 Copyright …". */
  ffmpeg: string;
  ffprobe: string;
}

/** For `redub doctor`: which binaries run, and what they say they are. */
export async function mediaToolVersions(): Promise<MediaToolVersions> {
  const tools = resolveMediaTools();
  const [ffmpeg, ffprobe] = await Promise.all([firstVersionLine(tools.ffmpeg), firstVersionLine(tools.ffprobe)]);
  return { tools, ffmpeg, ffprobe };
}

function firstVersionLine(binary: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['-version'], { timeout: 15_000, windowsHide: true }, (error, stdout) => {
      const firstLine = String(stdout).split(/\r?\n/, 1)[0]?.trim() ?? '';
      if (error || !firstLine) {
        reject(new RedubError('E_FFMPEG_MISSING', { details: [`${binary} did not run: ${error?.message ?? 'no output'}`] }));
        return;
      }
      resolve(firstLine);
    });
  });
}
