// The download stage: a job whose input is a URL gets its video here, before anything probes it —
// a direct media file through the resuming downloader (a dropped connection or a killed worker
// resumes from the bytes already there; more than the size limit is E_INPUT_TOO_LARGE), a page
// through yt-dlp. The file lands in the job's download folder, which is its input path; what it
// holds stands in for the URL in every later stage's key, so a file that changed at the same URL
// is dubbed afresh. Jobs with a local input skip it.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { RedubError } from '../../../shared/errors.js';
import { findOnPath } from '../../media/ffmpeg-binaries.js';
import { downloadFile } from '../../models/download.js';
import { fingerprintMedia } from '../fingerprint.js';
import { cpuPlacement, declareStage, type PlanContext, type StageContext } from '../stage.js';

export interface DownloadParams {
  url: string;
  kind: 'direct' | 'page';
  target: string;
  maxBytes: number | null;
}

export interface DownloadResult {
  /** Where the video is (the job's input path). */
  file: string;
  bytes: number;
  /** The downloaded file's identity (size, time, first and last MiB), as a local input's. */
  fingerprint: string;
}

/** What identifies a job's input in stage keys: the downloaded file's fingerprint for a URL. */
export function inputFingerprintOf({ options, output }: Pick<PlanContext, 'options' | 'output'>): string {
  return output(downloadStage)?.result.fingerprint ?? options.inputFingerprint;
}

export const downloadStage = declareStage<DownloadParams, DownloadResult>({
  name: 'download',
  version: 1,
  weight: { plain: 15, neural: 8 },
  skipsJob: (options) => !options.inputUrl,
  consumes: [],
  plan: ({ options }) => (options.inputUrl ? { url: options.inputUrl.url, kind: options.inputUrl.kind, target: options.inputPath, maxBytes: options.limits.maxBytes ?? null } : null),
  outputNeutral: { target: 'The download folder follows from the URL, which is in the key.' },
  placement: () => cpuPlacement,
  async run(params, context) {
    await mkdir(path.dirname(params.target), { recursive: true });
    if (params.kind === 'page') await downloadPage(params, context);
    else {
      const result = await downloadFile(params.url, params.target, {
        purpose: 'media',
        ...(params.maxBytes !== null ? { maxBytes: params.maxBytes } : {}),
        onProgress: ({ bytesDone, bytesTotal }) => {
          if (bytesTotal) context.reportProgress(Math.min(1, bytesDone / bytesTotal));
        },
      });
      context.log('info', `Downloaded ${params.url} (${Math.round(result.size / 1024 / 1024)} MB${result.resumed ? ', resumed' : ''}).`);
    }
    return { file: params.target, bytes: statSync(params.target).size, fingerprint: fingerprintMedia(params.target) };
  },
  check: (_params, _directory, result) => downloadProblems(result),
  // The file lies outside the artifact: one deleted or replaced since is downloaded again.
  checkOnReuse: (result) => downloadProblems(result),
});

function downloadProblems(result: DownloadResult): string[] {
  if (!existsSync(result.file)) return [`${result.file} is missing.`];
  if (statSync(result.file).size !== result.bytes) return [`${result.file} holds ${statSync(result.file).size} bytes, not the ${result.bytes} downloaded.`];
  return fingerprintMedia(result.file) === result.fingerprint ? [] : [`${result.file} changed since it was downloaded.`];
}

/** yt-dlp writes the page's video into a part file of its own; it takes the target's name once complete. */
async function downloadPage(params: DownloadParams, context: StageContext): Promise<void> {
  const program = findOnPath('yt-dlp');
  if (!program) throw new RedubError('E_URL_IMPORT_UNAVAILABLE', { details: [`URL: ${params.url}`] });
  const partial = `${params.target}.yt-dlp.mp4`;
  const args = ['--no-playlist', '--newline', '-f', 'bv*+ba/b', '--merge-output-format', 'mp4', '-o', partial, ...(params.maxBytes !== null ? ['--max-filesize', String(params.maxBytes)] : []), '--', params.url];
  const errors: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      for (const match of text.matchAll(/\[download\]\s+([\d.]+)%/g)) context.reportProgress(Math.min(1, Number(match[1]) / 100));
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => errors.push(...text.split('\n').filter(Boolean).slice(-5)));
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0 || !existsSync(partial)) {
    await rm(partial, { force: true });
    throw new RedubError('E_URL_DOWNLOAD_FAILED', { message: 'yt-dlp could not download the video from that page.', details: [`URL: ${params.url}`, `yt-dlp exited with ${code}.`, ...errors.slice(-5)] });
  }
  await rename(partial, params.target);
  context.log('info', `Downloaded the video of ${params.url} with yt-dlp.`);
}
