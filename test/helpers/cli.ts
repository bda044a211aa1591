// Runs the built `redub` command as a person would, and reads what it printed.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { packageRoot } from '../../src-main/core/package-root.js';

// Found by its package.json, so it holds in the bench's bundle too (code split into out/node/chunks).
export const repositoryRoot = packageRoot();
export const redubBin = path.join(repositoryRoot, 'bin', 'redub.js');
export const sampleDir = path.join(repositoryRoot, 'resources', 'sample');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startRedub(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [redubBin, ...args], { cwd: repositoryRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

export function runRedub(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startRedub(args, env).done;
}

export function parseJson<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`redub did not print JSON (exit ${result.code}).\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

export interface DubInputs {
  video: string;
  sourceSubtitles: string;
  targetSubtitles: string;
}

export const bundledSample: DubInputs = {
  video: path.join(sampleDir, 'sample.mp4'),
  sourceSubtitles: path.join(sampleDir, 'sample.en.srt'),
  targetSubtitles: path.join(sampleDir, 'sample.es.srt'),
};

export function sampleDubArguments(dataDir: string, outDir: string, inputs: DubInputs = bundledSample): string[] {
  return [
    'dub', inputs.video,
    '--to', 'es',
    '--subtitles', inputs.sourceSubtitles,
    '--translation', `es=${inputs.targetSubtitles}`,
    '--out', outDir,
    '--data-dir', dataDir,
    '--json',
  ];
}

export interface DubJson {
  jobs: {
    id: string;
    input: string;
    language: string;
    state: string;
    attempts: number;
    outputs: { video?: string; subtitles?: string; webVtt?: string; ass?: string; dubStem?: string; vocalsStem?: string; backgroundStem?: string };
    stages: { name: string; state: string; reused: boolean; ms: number | null; executionProvider: string | null }[];
    cuesSynthesized: number;
    cues: { index: number; sourceText: string; targetText: string; speedFactor: number | null; flag: string | null }[];
    error: { code: string; message: string; action: string } | null;
  }[];
  error?: { code: string; message: string; action: string; details?: string[] };
}
