// The source-separation part of the benches: Redub's MDX-Net engine around a tiny stand-in model
// at the real models' dims (n_fft 6144, dim_f 3072, dim_t 256, as UVR-MDX-NET-Inst_HQ_3), on a
// generated minute of 44.1 kHz stereo. The tiny graph is one multiply, so what is timed is the
// engine's own work: reading, the STFT and its inverse, the tensors, the stems' writing.
//
// - separateFile on the minute → separationSecondsPerMediaMinute (a real model adds its own
//   inference time on top: seconds a chunk on a CPU, far less on a GPU);
// - the STFT and inverse STFT alone over the same audio, chunked as the engine chunks it, against
//   ffmpeg decoding that audio from AAC to nothing (`-f null -`), timed in the same run so the
//   ratio does not depend on the machine → stftOverFfmpegDecodeRatio.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mdxNetChunkCount, mdxNetChunking, type MdxNetParameters } from '../../src-main/core/engines/separation/mdx-net-parameters.js';
import { MdxNetSeparator } from '../../src-main/core/engines/separation/mdx-net-separator.js';
import { StereoStft } from '../../src-main/core/engines/separation/stft.js';
import { runFfmpeg } from '../../src-main/core/media/run-ffmpeg.js';
import { readWav } from '../../src-main/core/media/wav.js';
import { executionPreferenceSchema } from '../../src-main/shared/contract.js';
import { writeTinyMdxNet } from '../fixtures/onnx/tiny-mdx-net.js';
import { printFigures, rounded, timed } from './bench-kit.js';

const seconds = Number(process.env.REDUB_BENCH_SEPARATION_SECONDS ?? 60);
const runs = Number(process.env.REDUB_BENCH_SEPARATION_RUNS ?? 3);
/** 'auto' takes a GPU where ONNX Runtime has one; the figures say which provider ran. */
const preference = executionPreferenceSchema.parse(process.env.REDUB_BENCH_SEPARATION_PROVIDER ?? 'auto');
const parameters: MdxNetParameters = { nFft: 6144, dimF: 3072, dimT: 256, hop: 1024, compensate: 1.022, primaryStem: 'instrumental' };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The engine's STFT work on a track held in memory: each chunk forward into a model-sized tensor and back. */
function stftRoundTrips(left: Float32Array, right: Float32Array): void {
  const { nFft, hop, dimF, dimT } = parameters;
  const chunking = mdxNetChunking(parameters);
  const stft = new StereoStft(nFft, hop);
  const tensor = new Float32Array(4 * dimF * dimT);
  const chunkLeft = new Float32Array(chunking.chunk);
  const chunkRight = new Float32Array(chunking.chunk);
  const outLeft = new Float32Array(chunking.chunk);
  const outRight = new Float32Array(chunking.chunk);
  for (let index = 0; index < mdxNetChunkCount(left.length, chunking); index++) {
    const start = index * chunking.step - chunking.trim;
    chunkLeft.fill(0);
    chunkRight.fill(0);
    const from = Math.max(0, start);
    const to = Math.min(left.length, start + chunking.chunk);
    chunkLeft.set(left.subarray(from, to), from - start);
    chunkRight.set(right.subarray(from, to), from - start);
    stft.forward(chunkLeft, chunkRight, dimF, tensor);
    stft.inverse(tensor, 0, dimF, dimT, outLeft, outRight);
  }
}

const root = mkdtempSync(path.join(tmpdir(), 'redub-separation-bench-'));
try {
  const wav = path.join(root, 'input.wav');
  const aac = path.join(root, 'input.m4a');
  // Two chords and some noise, different in each channel, so the AAC encoder has real work.
  await runFfmpeg([
    '-y', '-f', 'lavfi', '-i',
    `aevalsrc=0.25*sin(2*PI*220*t)+0.15*sin(2*PI*1760*t)+0.05*(random(0)-0.5)|0.25*sin(2*PI*330*t)+0.1*sin(2*PI*5000*t)+0.05*(random(1)-0.5):s=44100:d=${seconds}`,
    '-c:a', 'pcm_s16le', wav,
  ]);
  await runFfmpeg(['-y', '-i', wav, '-c:a', 'aac', '-b:a', '192k', aac]);
  const model = writeTinyMdxNet(path.join(root, 'model'), { dimF: parameters.dimF, dimT: parameters.dimT, mask: { belowBin: 300 } });

  let loadMs = 0;
  const loading = performance.now();
  const separator = await MdxNetSeparator.load(model, parameters, { preference, log: (line) => console.log(line) });
  loadMs = performance.now() - loading;
  try {
    const stems = { vocals: path.join(root, 'vocals.wav'), background: path.join(root, 'background.wav') };
    const { channels } = readWav(wav);
    const [left, right] = [channels[0]!, channels[1]!];
    const separationSeconds: number[] = [];
    const stftSeconds: number[] = [];
    const decodeSeconds: number[] = [];
    const wavDecodeSeconds: number[] = [];
    for (let run = 0; run < runs; run++) {
      // Interleaved, so a slow spell of the machine falls on both sides of each ratio.
      separationSeconds.push(await timed(() => separator.separateFile(wav, stems)));
      stftSeconds.push(await timed(async () => stftRoundTrips(left, right)));
      decodeSeconds.push(await timed(() => runFfmpeg(['-i', aac, '-f', 'null', '-'])));
      wavDecodeSeconds.push(await timed(() => runFfmpeg(['-i', wav, '-f', 'null', '-'])));
    }
    const separation = median(separationSeconds);
    const stft = median(stftSeconds);
    const decode = median(decodeSeconds);
    const minutes = seconds / 60;
    const chunking = mdxNetChunking(parameters);
    const figures = {
      executionProvider: separator.executionProvider,
      audio: `${seconds} s, 44.1 kHz stereo`,
      parameters: `n_fft ${parameters.nFft}, dim_f ${parameters.dimF}, dim_t ${parameters.dimT}, hop ${parameters.hop}`,
      chunks: mdxNetChunkCount(left.length, chunking),
      loadMs: rounded(loadMs, 1),
      separationSecondsPerMediaMinute: rounded(separation / minutes),
      stftSecondsPerMediaMinute: rounded(stft / minutes),
      stftShareOfSeparation: rounded(stft / separation, 2),
      ffmpegAacDecodeSeconds: rounded(decode),
      ffmpegWavDecodeSeconds: rounded(median(wavDecodeSeconds)),
      stftOverFfmpegDecodeRatio: rounded(stft / decode, 1),
      runs: {
        separationSeconds: separationSeconds.map((value) => rounded(value)),
        stftSeconds: stftSeconds.map((value) => rounded(value)),
        ffmpegAacDecodeSeconds: decodeSeconds.map((value) => rounded(value)),
      },
    };
    console.log(
      `separation (tiny MDX-Net at real dims, ${figures.executionProvider}): ${figures.separationSecondsPerMediaMinute} s a media minute, ` +
        `of which STFT + inverse ${figures.stftSecondsPerMediaMinute} s, ${figures.stftOverFfmpegDecodeRatio}× ffmpeg decoding the same minute from AAC (${figures.ffmpegAacDecodeSeconds} s), medians of ${runs}`,
    );
    printFigures(figures);
  } finally {
    await separator.release();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
