// Lip-sync on marked segments, end to end, through the local API with real worker processes and
// the tiny face detector and lip-sync model installed as packs: a video whose "face" the tiny
// YuNet finds is dubbed with one segment on the dub's own speech and one on an added, time-fitted
// audio file. What a viewer would check is checked: only the groups of pictures holding segment
// frames are re-encoded (every other packet is the input's), the pictures change inside the face
// and not elsewhere, the mouth follows its segment's audio frame by frame, the dub track says what
// the lips say, the file plays, in sync and as long as the input. Moving one segment re-renders
// only it; cancelling mid-render leaves no ffmpeg behind. Run on an MP4, on one whose picture
// starts after its sound in a file that does not start at 0, and on Matroska.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src-main/core/engines/audio/resample.js';
import { melSampleRate, melWindowForFrame, wav2LipMel } from '../../src-main/core/engines/lipsync/wav2lip-mel.js';
import { wav2LipCropRect } from '../../src-main/core/engines/lipsync/wav2lip-model.js';
import { resolveMediaTools } from '../../src-main/core/media/ffmpeg-binaries.js';
import { listVideoPackets } from '../../src-main/core/media/video-packets.js';
import { readWav } from '../../src-main/core/media/wav.js';
import { importPack } from '../../src-main/core/models/import.js';
import { dubStageNames } from '../../src-main/core/pipeline/stage-registry.js';
import type { JobDetails } from '../../src-main/shared/jobs.js';
import type { LipSyncSegment } from '../../src-main/shared/lipsync.js';
import { generateLipSyncVideo, writeOnOffBuzz, type LipSyncVideo, type LipSyncVideoOptions } from '../fixtures/lipsync-video.js';
import { writeTinyLipSyncPacks } from '../fixtures/models/tiny-packs.js';
import { tinyWav2LipLoudness } from '../fixtures/onnx/tiny-wav2lip.js';
import { bestLag, blueness, ffmpegProcessesOn, regionDifference, rmsOver, type Box } from '../helpers/lipsync-measure.js';
import { decodedAudio, decodedFrames, psnr, videoPacketHashes } from '../helpers/media-compare.js';
import { apiCalls, startHarness, type Harness } from './server/server-harness.js';

type ApiCalls = ReturnType<typeof apiCalls>;

const run = promisify(execFile);

/** The added audio: 1.25 s of buzz and silence in 0.25 s turns, fitted into a 1 s segment (0.2 s turns). */
const take = { halfMs: 250, halves: 5 };
// A segment on the dub is cropped to its own span, as the timeline makes one: the lips follow the dub where it is.
const onDub = (id: string, startMs: number, endMs: number): LipSyncSegment => ({ id, startMs, endMs, audio: { refId: 'dub', cropStartMs: startMs, cropEndMs: endMs }, fit: false });
const speechSegment = onDub('speech', 2000, 3000);
const takeSegment: LipSyncSegment = { id: 'take', startMs: 5000, endMs: 6000, audio: { refId: 'take' }, fit: true };
const fittedHalfSeconds = (takeSegment.endMs - takeSegment.startMs) / 1000 / take.halves;

// The picture's place in time is where lip-sync and the smart cut meet trouble: the plain case,
// a picture that starts after its sound in a file that does not start at 0 (as cut from a
// broadcast), and Matroska (another time base; its FLAC sound copied into the MP4).
const variants: { name: string; video: LipSyncVideoOptions; cancel: boolean }[] = [
  { name: 'an MP4', video: {}, cancel: true },
  { name: 'an MP4 whose picture starts 0.48 s after its sound, 1.5 s into the file', video: { videoDelaySeconds: 0.48, startSeconds: 1.5 }, cancel: false },
  { name: 'a Matroska file with FLAC sound', video: { container: 'mkv' }, cancel: false },
];

for (const variant of variants) {
  describe(`lip-sync on marked segments, end to end: ${variant.name}`, { timeout: 600_000 }, () => {
    let root: string;
    let fixture: LipSyncVideo;
    let takeFile: string;
    let h: Harness;
    let call: ApiCalls['call'];
    let settled: ApiCalls['settled'];
    let done: ApiCalls['done'];
    let logs: ApiCalls['logs'];

    beforeAll(async () => {
      // Resolved: ffmpeg's command lines name the input as the job keeps it, links resolved.
      root = realpathSync(mkdtempSync(path.join(tmpdir(), 'redub-lipsync-dub-')));
      fixture = await generateLipSyncVideo(path.join(root, 'fixture'), variant.video);
      takeFile = writeOnOffBuzz(path.join(root, 'fixture', 'take.wav'), take);
      const packs = writeTinyLipSyncPacks(path.join(root, 'packs'), 'https://tiny-packs.invalid');
      for (const pack of packs.packs) await importPack(pack, path.join(root, 'packs', pack.id), path.join(root, 'data'));
      h = await startHarness(root);
      ({ call, settled, done, logs } = apiCalls(h));
    }, 300_000);

    afterAll(async () => {
      await h?.close();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    async function create(name: string, extra: Record<string, unknown> = {}): Promise<string> {
      const created = await call<{ jobs: { id: string }[] }>('POST', '/jobs', {
        input: fixture.video, to: ['es'], subtitles: fixture.sourceSubtitles, translations: { es: fixture.targetSubtitles }, outDir: path.join(root, `out-${name}`), ...extra,
      });
      expect(created.status, created.text).toBe(201);
      return created.json.jobs[0]!.id;
    }

    /** The last line `stage` logged that matches `pattern`. */
    async function lastLine(id: string, stage: string, pattern: RegExp): Promise<RegExpExecArray | null> {
      const lines = (await logs(id)).filter((line) => line.stage === stage);
      for (const line of lines.reverse()) {
        const match = pattern.exec(line.message);
        if (match) return match;
      }
      return null;
    }

    // The segments are laid on the file's timeline, where the first frame shows at the video's offset.
    const frameOf = (ms: number) => Math.round((ms / 1000 - fixture.videoOffsetSeconds) * fixture.fps);
    const framesOf = (segment: LipSyncSegment) => ({ from: frameOf(segment.startMs), to: frameOf(segment.endMs) });

    /** The groups of pictures (by index) holding frames of `segments`. */
    const groupsHolding = (segments: LipSyncSegment[]) => {
      const groups = new Set<number>();
      for (const segment of segments) {
        const { from, to } = framesOf(segment);
        for (let frame = from; frame < to; frame++) groups.add(Math.floor(frame / fixture.gop));
      }
      return [...groups].sort((a, b) => a - b);
    };

    /** The groups whose packets differ between the input and `output`; every other packet must be the input's. */
    async function changedGroups(output: string): Promise<number[]> {
      const [before, after, packets] = await Promise.all([videoPacketHashes(fixture.video), videoPacketHashes(output), listVideoPackets(fixture.video)]);
      expect(after).toHaveLength(before.length);
      // Closed groups keep their packets together in decode order: each starts at a keyframe.
      const starts = packets.flatMap((packet, index) => (packet.keyframe ? [index] : []));
      expect(starts).toHaveLength(Math.ceil(fixture.frameCount / fixture.gop));
      const changed: number[] = [];
      for (const [group, start] of starts.entries()) {
        const end = starts[group + 1] ?? before.length;
        if (before.slice(start, end).some((packet, offset) => packet.md5 !== after[start + offset]!.md5)) changed.push(group);
      }
      return changed;
    }

    /** The face box the tiny detector finds (the square as drawn) and the crop the model redraws (10 % more below). */
    const faceBox = (): Box => ({ x: fixture.face.x, y: fixture.face.y, width: fixture.face.size, height: fixture.face.size });
    const cropBox = (): Box => wav2LipCropRect(faceBox(), fixture.width, fixture.height)!;
    /** The mouth's core, where the model's colour replaces the face's whole (mouth-paste.ts: centre 0.5, 0.7 of the crop). */
    const mouthBox = (): Box => {
      const crop = cropBox();
      return { x: Math.round(crop.x + crop.width * 0.4), y: Math.round(crop.y + crop.height * 0.66), width: Math.round(crop.width * 0.2), height: Math.round(crop.height * 0.08) };
    };

    /** The tiny model's loudness for each of `frames` frames of the stem (the voice the lips were given) from `fromSecond` on. */
    async function expectedLoudness(stem: string, fromSecond: number, frames: number): Promise<number[]> {
      const wav = readWav(stem);
      const rate = wav.sampleRate;
      const samples = wav.channels[0]!.slice(Math.round(fromSecond * rate), Math.round(fromSecond * rate) + Math.round((frames * rate) / fixture.fps));
      const mel = wav2LipMel(await resample(samples, rate, melSampleRate));
      return Array.from({ length: frames }, (_, index) => tinyWav2LipLoudness(melWindowForFrame(mel, index, fixture.fps)));
    }

    it('dubs with a segment on the dub and one on added, fitted audio: only their groups re-encoded, the mouth and the track following each one\'s audio; moving one re-renders only it', async () => {
      // A plain dub of the same video first: the track the lip-synced one must equal away from the take.
      const plain = await done(await create('plain'));
      const id = await create('lipsync', { audio: { take: takeFile }, lipsync: { segments: [speechSegment, takeSegment] } });
      const job = await done(id);
      const output = job.outputs.video!;
      expect(existsSync(output)).toBe(true);

      // 1. Stitched by the smart cut, the two segments' frames re-encoded; both rendered.
      const stitched = await lastLine(id, 'export', /^Stitched (\d+) lip-sync segment\(s\) into the video(.*)/);
      expect(stitched, 'the export stitched the segments').not.toBeNull();
      expect(stitched![1]).toBe('2');
      expect(stitched![2]).not.toMatch(/re-encoding all of it/);
      const expectedGroups = groupsHolding([speechSegment, takeSegment]);
      const groupFrames = (groups: number[]) => groups.reduce((sum, group) => sum + Math.min(fixture.gop, fixture.frameCount - group * fixture.gop), 0);
      expect(stitched![2]).toBe(`: ${groupFrames(expectedGroups)} of ${fixture.frameCount} frames re-encoded, the rest copied.`);
      expect((await lastLine(id, 'lipsync', /^Lip-synced (\d+) of (\d+) segment\(s\)/))?.slice(1, 3)).toEqual(['2', '2']);
      expect(await lastLine(id, 'lipsync', /show no face/)).toBeNull();

      // 2. Every packet outside the segments' groups is the input's; only those groups changed.
      if (fixture.videoOffsetSeconds === 0) expect(expectedGroups).toEqual([2, 5]);
      expect(await changedGroups(output)).toEqual(expectedGroups);

      // 3. Inside the segments the face changed and the rest of the picture did not (coding noise
      // aside); the groups copied between them decode to the input's pictures exactly.
      const from = framesOf(speechSegment).from;
      const to = framesOf(takeSegment).to;
      const [inputFrames, outputFrames] = await Promise.all([
        decodedFrames(fixture.video, fixture.width, fixture.height, from, to - from),
        decodedFrames(output, fixture.width, fixture.height, from, to - from),
      ]);
      expect(outputFrames).toHaveLength(to - from);
      const crop = cropBox();
      // The lower face, where the mouth is pasted (mouth-paste.ts: the mask reaches x 0.07–0.93, y 0.42–0.98 of the crop).
      const lowerFace: Box = { x: Math.round(crop.x + 0.07 * crop.width), y: Math.round(crop.y + 0.42 * crop.height), width: Math.round(0.86 * crop.width), height: Math.round(0.56 * crop.height) };
      // Coding spills a macroblock's width past the redrawn region.
      const spill: Box = { x: crop.x - 16, y: crop.y - 16, width: crop.width + 32, height: crop.height + 32 };
      for (const segment of [speechSegment, takeSegment]) {
        const frames = framesOf(segment);
        for (let frame = frames.from; frame < frames.to; frame++) {
          const difference = regionDifference(inputFrames[frame - from]!, outputFrames[frame - from]!, fixture.width, lowerFace, spill);
          expect(difference.inside, `frame ${frame} inside the face`).toBeGreaterThan(15);
          expect(difference.outside, `frame ${frame} outside the face`).toBeLessThan(1);
        }
      }
      for (let frame = framesOf(speechSegment).to; frame < framesOf(takeSegment).from; frame++) {
        if (expectedGroups.includes(Math.floor(frame / fixture.gop))) continue;
        expect(psnr(inputFrames[frame - from]!, outputFrames[frame - from]!), `copied frame ${frame}`).toBe(Number.POSITIVE_INFINITY);
      }

      // 4. The mouth follows each segment's audio frame by frame: bluer where the tiny model hears it
      // loud, redder where quiet, best aligned with no lag (within one frame). The stem is the voice
      // the lips were given: the dub's speech, and the fitted take in its segment.
      for (const segment of [takeSegment, speechSegment]) {
        const frames = framesOf(segment);
        const expected = await expectedLoudness(job.outputs.dubStem!, fixture.videoOffsetSeconds + frames.from / fixture.fps, frames.to - frames.from);
        const measured = Array.from({ length: frames.to - frames.from }, (_, index) => blueness(outputFrames[frames.from + index - from]!, fixture.width, mouthBox()));
        const alignment = bestLag(measured, expected, 3);
        const report = `segment ${segment.id}: measured ${measured.map((value) => value.toFixed(0)).join(' ')}; expected ${expected.map((value) => value.toFixed(2)).join(' ')}; by lag ${JSON.stringify([...alignment.byLag])}`;
        expect(Math.abs(alignment.lag), report).toBeLessThanOrEqual(1);
        // Where the picture's frames fall between the timeline's (a video starting off the frame grid), up to half a frame blurs it.
        expect(alignment.byLag.get(alignment.lag)!, report).toBeGreaterThan(0.8);
        if (segment !== takeSegment) continue;
        // The take's turns swing the model from loud to quiet and back: every loud frame is bluer
        // than every quiet one (the tiny model makes blue minus red 255·(L − ½) + a constant: ~200
        // apart). The frames between turns are left out: up to half a frame off, they could be either.
        const aligned = expected.map((loudness, index) => [loudness, measured[index + alignment.lag]] as const).filter((pair): pair is readonly [number, number] => pair[1] !== undefined);
        const loud = aligned.filter(([loudness]) => loudness > 0.9).map(([, value]) => value);
        const quiet = aligned.filter(([loudness]) => loudness < 0.1).map(([, value]) => value);
        expect(loud.length, report).toBeGreaterThanOrEqual(5);
        expect(quiet.length, report).toBeGreaterThanOrEqual(3);
        expect(Math.min(...loud) - Math.max(...quiet), report).toBeGreaterThan(60);
      }

      // 5. The dub track carries the take over its segment — its 0.2 s on and off turns, not the
      // dub's speech — and the plain dub everywhere else.
      const stem = readWav(job.outputs.dubStem!);
      const plainStem = readWav(plain.outputs.dubStem!);
      const rate = stem.sampleRate;
      const turns = Array.from({ length: take.halves }, (_, index) => {
        const start = takeSegment.startMs / 1000 + index * fittedHalfSeconds;
        // The middle of each turn: the fit's overlap-add smears its edges.
        return { on: index % 2 === 0, from: start + 0.04, to: start + fittedHalfSeconds - 0.04 };
      });
      const offTurns = turns.filter((turn) => !turn.on);
      const plainSpeech = Math.sqrt(offTurns.reduce((sum, turn) => sum + rmsOver(plainStem.channels[0]!, rate, turn.from, turn.to) ** 2, 0) / offTurns.length);
      expect(plainSpeech, 'the plain dub speaks where the take is silent').toBeGreaterThan(0.02);
      const track = await decodedAudio(output, 0);
      const plainTrack = await decodedAudio(plain.outputs.video!, 0);
      expect(track.errors).toBe(0);
      for (const turn of turns) {
        const stemLevel = rmsOver(stem.channels[0]!, rate, turn.from, turn.to);
        if (turn.on) expect(stemLevel, `stem, on at ${turn.from.toFixed(2)} s`).toBeGreaterThan(0.1);
        else expect(stemLevel, `stem, off at ${turn.from.toFixed(2)} s`).toBeLessThan(plainSpeech / 20);
      }
      const level = (turn: (typeof turns)[number]) => rmsOver(track.samples, 16_000, turn.from, turn.to, 32_768);
      // The original, ducked by 14 dB, is all there is under the take's silences.
      expect(Math.min(...turns.filter((turn) => turn.on).map(level)), `track: ${turns.map(level).map((value) => value.toFixed(3)).join(' ')}`).toBeGreaterThan(4 * Math.max(...offTurns.map(level)));
      // Away from the take (its mix reaches 400 ms past it, and an AAC frame more), the track is the plain dub's.
      const away = [[0, takeSegment.startMs / 1000 - 0.5], [takeSegment.endMs / 1000 + 0.5, fixture.frameCount / fixture.fps]] as const;
      for (const [fromSecond, toSecond] of away) {
        const a = plainTrack.samples.subarray(Math.round(fromSecond * 16_000), Math.round(toSecond * 16_000));
        const b = track.samples.subarray(Math.round(fromSecond * 16_000), Math.round(toSecond * 16_000));
        let difference = 0;
        let energy = 0;
        for (let index = 0; index < Math.min(a.length, b.length); index++) {
          difference += (a[index]! - b[index]!) ** 2;
          energy += a[index]! ** 2;
        }
        expect(energy / a.length, `the plain dub has sound over ${fromSecond}–${toSecond} s`).toBeGreaterThan((0.01 * 32_768) ** 2);
        expect(Math.sqrt(difference / energy), `the track over ${fromSecond}–${toSecond} s is the plain dub's`).toBeLessThan(0.05);
      }

      // 6. It plays: as long as the input within a frame, the same frame count, the video starting
      // where the input's does, the dub track as long as the video, and no decode error anywhere.
      const probe = async (file: string) => JSON.parse((await run(resolveMediaTools().ffprobe, ['-v', 'error', '-show_format', '-show_streams', '-count_packets', '-of', 'json', file])).stdout) as {
        format: { duration: string; start_time: string };
        streams: { codec_type: string; start_time: string; duration: string; nb_read_packets: string }[];
      };
      const [inputProbe, outputProbe, plainProbe] = await Promise.all([probe(fixture.video), probe(output), probe(plain.outputs.video!)]);
      const frameSeconds = 1 / fixture.fps;
      expect(Math.abs(Number(outputProbe.format.duration) - Number(inputProbe.format.duration))).toBeLessThanOrEqual(frameSeconds);
      const videoOf = (probed: typeof inputProbe) => probed.streams.find((stream) => stream.codec_type === 'video')!;
      expect(videoOf(outputProbe).nb_read_packets).toBe(String(fixture.frameCount));
      // Where the video starts beside the other streams: as in the input, and as in the plain dub.
      const videoStart = (probed: typeof inputProbe) => Number(videoOf(probed).start_time) - Number(probed.format.start_time);
      expect(Math.abs(videoStart(outputProbe) - videoStart(inputProbe))).toBeLessThan(0.001);
      expect(videoOf(outputProbe).start_time).toBe(videoOf(plainProbe).start_time);
      const dubTrack = outputProbe.streams.find((stream) => stream.codec_type === 'audio')!;
      expect(Math.abs(Number(dubTrack.duration) - Number(videoOf(outputProbe).duration))).toBeLessThanOrEqual(frameSeconds);
      const decode = await run(resolveMediaTools().ffmpeg, ['-v', 'error', '-i', output, '-map', '0:v', '-map', '0:a', '-f', 'null', '-']);
      expect(decode.stderr.trim()).toBe('');

      // 7. Moving the speech segment re-renders it alone; the job ends done, with the groups of its
      // new place re-encoded and the take's as before.
      const moved = onDub('speech', 2400, 3400);
      const replaced = await call<JobDetails>('PUT', `/jobs/${id}/lipsync`, { segments: [moved, takeSegment] });
      expect(replaced.status, replaced.text).toBe(200);
      const rerun = await done(id);
      expect((await lastLine(id, 'lipsync', /^Lip-synced (\d+) of (\d+) segment\(s\)/))?.slice(1, 3)).toEqual(['1', '2']);
      const movedGroups = groupsHolding([moved, takeSegment]);
      if (fixture.videoOffsetSeconds === 0) expect(movedGroups).toEqual([2, 3, 5]);
      expect(await changedGroups(rerun.outputs.video!)).toEqual(movedGroups);
      // Every frame of the groups re-encoded for the moved segment: redrawn inside it, as it was outside it.
      const first = movedGroups[0]! * fixture.gop;
      const count = 2 * fixture.gop;
      const [movedInput, movedOutput] = await Promise.all([
        decodedFrames(fixture.video, fixture.width, fixture.height, first, count),
        decodedFrames(rerun.outputs.video!, fixture.width, fixture.height, first, count),
      ]);
      for (let frame = first; frame < first + count; frame++) {
        const inSegment = frame >= framesOf(moved).from && frame < framesOf(moved).to;
        const difference = regionDifference(movedInput[frame - first]!, movedOutput[frame - first]!, fixture.width, lowerFace, spill);
        if (inSegment) expect(difference.inside, `frame ${frame}, in the moved segment`).toBeGreaterThan(15);
        else expect(difference.inside, `frame ${frame}, no longer in a segment`).toBeLessThan(3);
        expect(difference.outside, `frame ${frame} outside the face`).toBeLessThan(1);
      }
    });

    if (variant.cancel) it('cancelling mid-render stops the lip-sync stage\'s ffmpeg processes and leaves no partial render', async () => {
      // One long segment, so the render lasts long enough to be caught in the act.
      const long = onDub('long', 400, 8000);
      const id = await create('cancel', { lipsync: { segments: [long] } });
      const store = h.service.core.store;
      const artifacts = path.join(h.dataDir, 'artifacts');
      const partials = (folder: string): string[] =>
        readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? partials(path.join(folder, entry.name)) : /partial/.test(entry.name) ? [path.join(folder, entry.name)] : []));
      const lipSyncRunning = () => store.stages.list(id, dubStageNames).some((stage) => stage.name === 'lipsync' && stage.state === 'running');
      // Caught once the rendered frames are being written, the input's still being decoded.
      for (const deadline = Date.now() + 240_000; !(lipSyncRunning() && partials(artifacts).length > 0 && ffmpegProcessesOn(path.join(root, 'fixture')).length > 0); ) {
        if (Date.now() > deadline) throw new Error(`the lip-sync render was never caught under way; the job is ${store.jobs.get(id)?.state}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The render's own processes: the decoder of the input's frames, the encoder of the rendered ones.
      const rendering = ffmpegProcessesOn(root);
      expect(rendering.length).toBeGreaterThanOrEqual(2);

      expect((await call('POST', `/jobs/${id}/cancel`)).status).toBe(200);
      const cancelledAt = Date.now();
      expect((await settled(id)).state).toBe('cancelled');
      while (ffmpegProcessesOn(root).length > 0 && Date.now() - cancelledAt < 5_000) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(ffmpegProcessesOn(root), `within 5 s of the cancel; during the render: ${rendering.map((entry) => entry.args).join('\n')}`).toEqual([]);
      expect(store.stages.list(id, dubStageNames).find((stage) => stage.name === 'lipsync')?.state).not.toBe('done');
      // Nothing half-rendered is left behind: the attempt's folder goes once its worker is dead
      // (the job reads cancelled as soon as it is asked to stop, a moment before).
      while (partials(artifacts).length > 0 && Date.now() - cancelledAt < 5_000) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(partials(artifacts)).toEqual([]);
    });
  });
}
