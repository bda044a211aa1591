// The export stage: an MP4 with the video stream copied, the dub first and default, the original
// second, soft subtitles (shown by default only when the user asked), and the subtitles beside it
// as SRT and WebVTT — and as ASS with the file's styles when the user's subtitles were ASS.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { containerLanguageTag } from '../../../shared/languages.js';
import type { MediaInfo } from '../../media/probe.js';
import { patchAac } from '../../media/aac-patch.js';
import { aacFrameSize, encodeAac, wavSource } from '../../media/aac-segments.js';
import { runFfmpeg } from '../../media/run-ffmpeg.js';
import { setSubtitleTracksShown } from '../../media/mp4-track-flags.js';
import { formatAss } from '../../subtitles/ass.js';
import { formatSrt, formatVtt } from '../../subtitles/subtitle-writers.js';
import type { StyledCues } from '../subtitle-import.js';
import { translateStage } from './translate.js';
import { mp4Problems } from '../output-checks.js';
import { cpuPlacement, declareStage, type StageContext } from '../stage.js';
import { writeLipSyncedVideo, type LipSyncedVideo } from '../lipsync-video.js';
import { lipSyncStage, type LipSyncResult } from './lipsync.js';
import { downloadStage, inputFingerprintOf } from './download.js';
import { mixSampleRate } from './fit.js';
import { dubBitRate, encoderCount, mixStage } from './mix.js';
import { inputPathIsNeutral, probeStage } from './probe.js';
import { transcribeStage } from './transcribe.js';
import { editStage } from './edit.js';

export interface ExportParams {
  inputPath: string;
  inputFingerprint: string;
  media: MediaInfo;
  mixPath: string;
  /** The dub track already encoded by the mix (ADTS); null when the export encodes mixPath itself. */
  encodedPath: string | null;
  /** After a patched mix: the base's AAC track and the sample ranges that changed, to encode only those again. */
  aacPatch: { basePath: string; changed: [number, number][] } | null;
  /** The lip-synced segments to stitch into the video (null: the video is copied as it is). */
  lipsync: LipSyncedVideo | null;
  language: string;
  sourceLanguage: string | null;
  cues: { startMs: number; endMs: number; text: string }[];
  subtitlesShown: boolean;
  /** The ASS the user gave (the translation's, else the subtitles'): its styles for dub.ass. */
  styled: StyledCues | null;
}

export interface ExportResult {
  videoFile: string;
  subtitlesFile: string;
  webVttFile: string;
  assFile?: string;
}

/** Audio codecs an MP4 carries as they are, so the original track is copied, not re-encoded. */
const mp4AudioCodecs = new Set(['aac', 'mp3', 'ac3', 'eac3', 'alac', 'opus', 'flac']);
/** Of those, the ones the bundled ffmpeg (2018) writes into an MP4 only when told experimental features are fine. */
const experimentalInMp4 = new Set(['opus', 'flac']);

export const exportStage = declareStage<ExportParams, ExportResult>({
  name: 'export',
  // 2: the subtitle track's default flag set right, WebVTT and ASS beside the SRT.
  // 3: the dub track copied from the mix's AAC (or encoded by several encoders at once), not encoded here in one.
  version: 3,
  weight: { plain: 5, neural: 3 },
  consumes: [downloadStage, probeStage, transcribeStage, translateStage, editStage, mixStage, lipSyncStage],
  plan(context) {
    const { options, output } = context;
    const mix = output(mixStage)!;
    return {
      inputPath: options.inputPath,
      inputFingerprint: inputFingerprintOf(context),
      media: output(probeStage)!.result,
      mixPath: mix.file(mix.result.mixFile),
      // Mixes cached before they encoded have no encodedFile.
      encodedPath: mix.result.encodedFile ? mix.file(mix.result.encodedFile) : null,
      aacPatch: mix.result.aacPatch ?? null,
      lipsync: lipSyncedVideoOf(output(lipSyncStage)?.result ?? null, output(probeStage)!.result),
      language: options.language,
      // The language spoken in the video: the user's --from, else what Whisper detected.
      sourceLanguage: options.sourceLanguage ?? output(transcribeStage)?.result.language ?? null,
      cues: output(editStage)!.result.cues.map((cue) => ({ startMs: cue.startMs, endMs: cue.endMs, text: cue.targetText })),
      subtitlesShown: options.subtitlesShown,
      styled: output(translateStage)?.result.styled ?? output(transcribeStage)?.result.styled ?? null,
    };
  },
  outputNeutral: { inputPath: inputPathIsNeutral, 'media.path': inputPathIsNeutral },
  placement: () => cpuPlacement,
  async run(params, context) {
    const subtitlesFile = 'dub.srt';
    const webVttFile = 'dub.vtt';
    const videoFile = 'dub.mp4';
    const subtitlesPath = path.join(context.task.outDir, subtitlesFile);
    writeFileSync(subtitlesPath, formatSrt(params.cues));
    writeFileSync(path.join(context.task.outDir, webVttFile), formatVtt(params.cues));
    const assFile = params.styled && params.styled.styleSheet.info.ScriptType?.toLowerCase() !== 'v4.00' ? 'dub.ass' : undefined;
    if (assFile && params.styled) writeFileSync(path.join(context.task.outDir, assFile), formatAss(withStyles(params.cues, params.styled), params.styled.styleSheet));
    const dubTag = containerLanguageTag(params.language);
    const originalTag = containerLanguageTag(params.sourceLanguage ?? params.media.audio.language);
    const originalCodec = mp4AudioCodecs.has(params.media.audio.codec) ? ['copy'] : ['aac', '-b:a:1', dubBitRate];
    if (originalCodec[0] !== 'copy') {
      context.log('info', `The original audio (${params.media.audio.codec}) cannot be carried in an MP4 as it is, so it is re-encoded to AAC: one more encode than the dub itself needs.`);
    }
    // The mix encoded the dub track as it mixed; after a patched mix only the changed stretches are
    // encoded again, into a copy of the previous track; a mix cached before mixes encoded leaves it all to this stage.
    const encodedPath = params.encodedPath ?? path.join(context.task.outDir, 'dub.aac');
    const encoded = params.encodedPath ? null : await encodeDubTrack(params, encodedPath, (fraction) => context.reportProgress(fraction * 0.9));
    if (encoded) context.log('info', encoded);
    // With lip-sync, the video is the input's with the segments stitched in (only their GOPs re-encoded).
    const synced = params.lipsync ? await stitchLipSync(params, params.lipsync, context) : null;
    await runFfmpeg(
      [
        '-y',
        '-i', params.inputPath,
        // ADTS carries no encoder delay: shifting by it is what lets the MP4 record it, as a direct encode would.
        '-itsoffset', String(-aacFrameSize / mixSampleRate),
        '-i', encodedPath,
        '-i', subtitlesPath,
        // The stitched video starts at 0 s; shifted to where the input's video lands (its start less the file's), it stays in sync.
        ...(synced ? ['-itsoffset', String(synced.offsetSeconds), '-i', synced.path] : []),
        '-map', synced ? '3:v:0' : `0:${params.media.video.index}`,
        '-map', '1:a:0',
        '-map', `0:${params.media.audio.index}`,
        '-map', '2:s:0',
        '-c:v', 'copy',
        '-c:a:0', 'copy',
        '-c:a:1', ...originalCodec,
        ...(originalCodec[0] === 'copy' && experimentalInMp4.has(params.media.audio.codec) ? ['-strict', 'experimental'] : []),
        '-c:s', 'mov_text',
        '-metadata:s:a:0', `language=${dubTag}`,
        '-metadata:s:a:0', `title=Dub (${params.language})`,
        '-metadata:s:a:1', `language=${originalTag}`,
        '-metadata:s:a:1', 'title=Original',
        '-metadata:s:s:0', `language=${dubTag}`,
        '-disposition:a:0', 'default',
        '-disposition:a:1', '0',
        '-disposition:s:0', params.subtitlesShown ? 'default' : '0',
        '-map_metadata', '0',
        '-movflags', '+faststart',
        path.join(context.task.outDir, videoFile),
      ],
      { durationMs: params.media.durationMs, onProgress: (fraction) => context.reportProgress(encoded ? 0.9 + fraction * 0.1 : fraction) },
    );
    // Whatever ffmpeg wrote the file, the subtitle track's flag ends up as asked (the check reads it back).
    setSubtitleTracksShown(path.join(context.task.outDir, videoFile), params.subtitlesShown);
    return { videoFile, subtitlesFile, webVttFile, ...(assFile ? { assFile } : {}) };
  },
  check: async (params, directory, result) => [
    ...(await mp4Problems(path.join(directory, result.videoFile), params.media, params.subtitlesShown)),
    ...[result.subtitlesFile, result.webVttFile, result.assFile].filter((file): file is string => file !== undefined && !existsSync(path.join(directory, file))).map((file) => `${file} is missing.`),
  ],
});

/** The lip-sync stage's segments as the export stitches them (those where a face was found); null when there are none. */
export function lipSyncedVideoOf(result: LipSyncResult | null, media: MediaInfo): LipSyncedVideo | null {
  // A segment where no face was found holds the input's own frames: re-encoding its pictures would only cost quality.
  const changed = (result?.segments ?? []).filter((segment) => segment.framesWithFace > 0);
  if (changed.length === 0) return null;
  return {
    video: { width: media.video.width, height: media.video.height, fps: media.video.fps },
    segments: changed.map(({ id, fromFrame, toFrame, file }) => ({ id, fromFrame, toFrame, file })),
  };
}

async function stitchLipSync(params: ExportParams, lipsync: LipSyncedVideo, context: StageContext): Promise<{ path: string; offsetSeconds: number }> {
  const videoPath = path.join(context.task.outDir, 'lipsync-video.mp4');
  const result = await writeLipSyncedVideo(params.inputPath, lipsync, videoPath, { log: (line) => context.log('info', line) });
  context.log(
    'info',
    result.method === 'smart-cut'
      ? `Stitched ${lipsync.segments.length} lip-sync segment(s) into the video: ${result.reencodedFrames} of ${result.totalFrames} frames re-encoded, the rest copied.`
      : `Stitched ${lipsync.segments.length} lip-sync segment(s) into the video by re-encoding all of it: ${result.reason ?? 'it cannot be cut at its keyframes'}.`,
  );
  return { path: videoPath, offsetSeconds: result.offsetSeconds };
}

/** Encodes the mix to ADTS (only its changed stretches, when the previous track is there to patch); says what it did. */
async function encodeDubTrack(params: ExportParams, outPath: string, onProgress: (fraction: number) => void): Promise<string> {
  const source = wavSource(params.mixPath);
  // The previous track can be gone (pruned since the mix): then the whole track is encoded.
  if (params.aacPatch && existsSync(params.aacPatch.basePath)) {
    const frames = await patchAac({ ...source, basePath: params.aacPatch.basePath, outPath, changed: params.aacPatch.changed, bitRate: dubBitRate, encoders: encoderCount() });
    return `Encoded ${(frames / source.sampleRate).toFixed(1)} s of the dub track again around the changed cues; the rest is the previous encode.`;
  }
  const encoders = await encodeAac({ outPath, ...source, bitRate: dubBitRate, encoders: encoderCount(), onProgress });
  return `Encoded the dub track with ${encoders} AAC encoder(s) at once.`;
}

/** Each dubbed cue takes the style and speaker of the ASS event it overlaps most. */
function withStyles(cues: ExportParams['cues'], styled: StyledCues): { startMs: number; endMs: number; text: string; style?: string; speaker?: string }[] {
  return cues.map((cue) => {
    let best: StyledCues['cues'][number] | undefined;
    let bestOverlap = 0;
    for (const candidate of styled.cues) {
      const overlap = Math.min(candidate.endMs, cue.endMs) - Math.max(candidate.startMs, cue.startMs);
      if (overlap > bestOverlap) [best, bestOverlap] = [candidate, overlap];
    }
    return { ...cue, ...(best?.style ? { style: best.style } : {}), ...(best?.speaker ? { speaker: best.speaker } : {}) };
  });
}
