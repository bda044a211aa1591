// Per-engine figures on the tiny generated packs (`npm run bench`, before the dub bench): load
// time and calls per second for Whisper, NLLB, Marian and Piper. The tiny graphs do almost no
// arithmetic, so these figures measure Redub's plumbing around the models (features, tokenizing,
// the generation loop, cache handling, phonemes), which is where a regression would show.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WhisperTranscriber } from '../../src-main/core/engines/asr/whisper-transcriber.js';
import { Seq2SeqTranslator } from '../../src-main/core/engines/mt/seq2seq-translator.js';
import { PiperSynthesizer } from '../../src-main/core/engines/tts/piper-synthesizer.js';
import { detectExecutionProviders } from '../../src-main/core/models/execution-providers.js';
import { writeTinyMarian, writeTinyNllb } from '../fixtures/models/tiny-translators.js';
import { writeTinyWhisper } from '../fixtures/models/tiny-whisper.js';
import { writeTinyPiperVoice } from '../fixtures/onnx/tiny-piper.js';

const seconds = Number(process.env.REDUB_ENGINE_BENCH_SECONDS ?? 3);
const root = mkdtempSync(path.join(tmpdir(), 'redub-engine-bench-'));

async function timedMs<T>(action: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await action();
  return { value, ms: performance.now() - start };
}

/** Calls per second of `call`, run repeatedly for about `seconds` after one warm-up call. */
async function rate(call: () => Promise<unknown>): Promise<number> {
  await call();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    await call();
    calls++;
  }
  return Number((calls / ((performance.now() - start) / 1000)).toFixed(2));
}

const round = (value: number) => Number(value.toFixed(1));

try {
  const whisperDir = writeTinyWhisper(path.join(root, 'whisper')).dir;
  const whisper = await timedMs(() => WhisperTranscriber.load({ dir: whisperDir, packId: 'tiny-whisper' }, { preference: 'cpu' }));
  const windowSeconds = 10;
  const audio = new Float32Array(16_000 * windowSeconds).map((_, index) => Math.sin(index / 7) * 0.2);
  const region = [{ startMs: 500, endMs: windowSeconds * 1000 - 500 }];
  const whisperWindows = await rate(() => whisper.value.transcribe(audio, { language: 'en', regions: region }));
  const whisperDetecting = await rate(() => whisper.value.transcribe(audio, { language: null, regions: region }));

  const sentences = ['Hello world.', 'Good morning, how are you today?', 'A longer line, with more words in it than the others have.', 'hello good world'];
  const translators: Record<string, unknown> = {};
  for (const [family, write] of [['nllb', writeTinyNllb], ['marian', writeTinyMarian]] as const) {
    const dir = write(path.join(root, family)).dir;
    const loaded = await timedMs(() => Seq2SeqTranslator.load({ dir, packId: `tiny-${family}`, family, languages: family === 'nllb' ? ['*'] : ['en', 'es'] }, { preference: 'cpu' }));
    const batch = Array.from({ length: 16 }, (_, index) => sentences[index % sentences.length]!);
    const batched = await rate(() => loaded.value.translate(batch, { source: 'en', target: 'es', batchSize: 8 }));
    const single = await rate(() => loaded.value.translate(batch.slice(0, 4), { source: 'en', target: 'es', batchSize: 1 }));
    translators[family] = { loadMs: round(loaded.ms), linesPerSecondBatch8: round(batched * batch.length), linesPerSecondBatch1: round(single * 4) };
  }

  const voice = writeTinyPiperVoice(path.join(root, 'piper'));
  const piper = await timedMs(() => PiperSynthesizer.load(voice.onnxPath, { preference: 'cpu' }));
  const cuesPerSecond = await rate(() => piper.value.synthesize('Hola, buenos días, ¿cómo estás hoy?', piper.value.voice));

  const gpu = detectExecutionProviders().filter((provider) => provider.name !== 'cpu');
  const figures = {
    provider: 'cpu',
    gpuProviders: Object.fromEntries(gpu.map((provider) => [provider.name, provider.available ? 'available' : provider.reason])),
    whisper: { loadMs: round(whisper.ms), windowsPerSecond: whisperWindows, windowsPerSecondWithDetection: whisperDetecting, mediaSecondsPerSecond: round(whisperWindows * windowSeconds) },
    ...translators,
    piper: { loadMs: round(piper.ms), cuesPerSecond },
  };
  console.log(`engines (tiny generated packs, CPU, ${seconds} s per figure): ${JSON.stringify(figures)}`);
  await whisper.value.dispose();
} finally {
  rmSync(root, { recursive: true, force: true });
}
