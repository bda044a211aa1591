// Owns the checks a stage's declaration uses on what it wrote, before the artifact is committed —
// where that is cheap: WAV headers say their rate, channels and length without reading the samples, and
// ffprobe reads an MP4's streams and duration from its index. A worker killed mid-write, a
// helper that went on writing after its worker died, a full disk that cut a file short: each
// shows here as a length or a stream that is not what the stage meant to write, and the
// artifact is refused instead of cached.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { RedubError } from '../../shared/errors.js';
import type { MediaInfo } from '../media/probe.js';
import { runFfprobeJson } from '../media/run-ffmpeg.js';
import { readWavLayout, type WavLayout } from '../media/wav.js';
import type { AnyStage } from './stage.js';

/** Decoders round a track's end to a frame; anything further off than this was cut or padded. */
export const durationToleranceMs = 1000;

/** Throws E_ARTIFACT_INVALID naming what is wrong; returns when the stage's output holds up. */
export async function checkStageOutput(stage: AnyStage, params: unknown, directory: string, result: unknown): Promise<void> {
  const problems = await stageOutputProblems(stage, params, directory, result);
  if (problems.length > 0) throw new RedubError('E_ARTIFACT_INVALID', { details: [`Stage ${stage.name}:`, ...problems] });
}

export async function stageOutputProblems(stage: AnyStage, params: unknown, directory: string, result: unknown): Promise<string[]> {
  if (!stage.check) return [];
  try {
    return await stage.check(params, directory, result);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

/**
 * Per-cue speech lives outside the stage's folder (shared by every job that speaks the line), so
 * a reused synthesize or fit artifact is only good while those files are: checked on read too.
 */
export function itemProblems(cues: readonly { index: number; file: string | null }[]): string[] {
  const problems: string[] = [];
  for (const cue of cues) {
    if (!cue.file) continue;
    const layout = layoutOrProblem(cue.file);
    if (typeof layout === 'string') problems.push(`Cue ${cue.index + 1}: ${layout}`);
    if (problems.length >= 5) break;
  }
  return problems;
}

export function layoutOrProblem(file: string): WavLayout | string {
  try {
    if (!statSync(file).isFile()) return `${path.basename(file)} is not a file.`;
    return readWavLayout(file);
  } catch (error) {
    return error instanceof RedubError ? `${path.basename(file)}: ${[error.message, ...error.details.slice(1)].join(' ')}` : `${path.basename(file)}: ${(error as Error).message}`;
  }
}

export function lengthMs(layout: WavLayout): number {
  const bytesPerFrame = layout.channelCount * bytesPerSample(layout.format);
  return (Math.floor(layout.dataBytes / bytesPerFrame) * 1000) / layout.sampleRate;
}

function bytesPerSample(format: WavLayout['format']): number {
  return { uint8: 1, int16: 2, int24: 3, int32: 4, float32: 4, float64: 8 }[format];
}

export function wavProblems(file: string, expected: { sampleRate: number; channels: number; durationMs: number; toleranceMs?: number }): string[] {
  const layout = layoutOrProblem(file);
  if (typeof layout === 'string') return [layout];
  const name = path.basename(file);
  const problems: string[] = [];
  if (layout.sampleRate !== expected.sampleRate) problems.push(`${name} is at ${layout.sampleRate} Hz, not ${expected.sampleRate} Hz.`);
  if (layout.channelCount !== expected.channels) problems.push(`${name} has ${layout.channelCount} channels, not ${expected.channels}.`);
  const durationMs = lengthMs(layout);
  const tolerance = expected.toleranceMs ?? durationToleranceMs;
  if (Math.abs(durationMs - expected.durationMs) > tolerance) problems.push(`${name} lasts ${Math.round(durationMs)} ms, not the ${Math.round(expected.durationMs)} ms of its source.`);
  return problems;
}

interface ProbedStream {
  codec_type?: string;
  codec_name?: string;
  disposition?: { default?: number };
}

/** What the dub's MP4 must be; `subtitlesShown` when its subtitle track must show by default. */
export async function mp4Problems(file: string, media: MediaInfo, subtitlesShown = false): Promise<string[]> {
  if (!existsSync(file)) return [`${path.basename(file)} is missing.`];
  let document: { streams?: ProbedStream[]; format?: { duration?: string } };
  try {
    document = (await runFfprobeJson(['-show_format', '-show_streams', file])) as typeof document;
  } catch (error) {
    return [`${path.basename(file)} cannot be read back: ${error instanceof RedubError ? error.details.join(' ') : (error as Error).message}`];
  }
  const streams = document.streams ?? [];
  const problems: string[] = [];
  const video = streams.filter((stream) => stream.codec_type === 'video');
  if (video.length !== 1 || video[0]!.codec_name !== media.video.codec) problems.push(`It should hold the original ${media.video.codec} video stream; it holds ${video.map((stream) => stream.codec_name).join(', ') || 'none'}.`);
  const audio = streams.filter((stream) => stream.codec_type === 'audio').length;
  if (audio !== 2) problems.push(`It should hold two audio tracks (the dub and the original); it holds ${audio}.`);
  const subtitles = streams.filter((stream) => stream.codec_type === 'subtitle');
  if (subtitles.length !== 1) problems.push(`It should hold one subtitle track; it holds ${subtitles.length}.`);
  else if ((subtitles[0]!.disposition?.default === 1) !== subtitlesShown) problems.push(`Its subtitle track is ${subtitlesShown ? 'not ' : ''}marked to show by default.`);
  const durationMs = Number(document.format?.duration) * 1000;
  if (!Number.isFinite(durationMs) || Math.abs(durationMs - media.durationMs) > Math.max(durationToleranceMs, media.durationMs * 0.01)) {
    problems.push(`It lasts ${Number.isFinite(durationMs) ? Math.round(durationMs) : '?'} ms, not the ${media.durationMs} ms of the original.`);
  }
  return problems;
}
