// The Whisper engine on the tiny generated pack (real layout, scripted decoder): features,
// encoder, cached decoder, language detection and timestamp parsing all run for real.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WhisperTranscriber, type WhisperParts } from '../../../src-main/core/engines/asr/whisper-transcriber.js';
import { tinyWhisperScriptCues, writeTinyWhisper } from '../../fixtures/models/tiny-whisper.js';
import { rejectionOf } from '../../helpers/errors.js';
import { useTemporaryDirectory } from '../../helpers/temporary-directory.js';

const rate = 16_000;
const tone = (seconds: number) => new Float32Array(rate * seconds).map((_, index) => Math.sin(index / 5) * 0.2);

describe('WhisperTranscriber on a tiny Whisper pack', { timeout: 60_000 }, () => {
  const temporary = useTemporaryDirectory('redub-whisper-');
  const load = async (options: Parameters<typeof WhisperTranscriber.load>[1] = { preference: 'cpu' }) => {
    const { dir } = writeTinyWhisper(path.join(temporary(), 'whisper'));
    return WhisperTranscriber.load({ dir, packId: 'tiny-whisper' }, options);
  };

  it('detects the language and turns each window\'s timestamps into cues on the video clock', async () => {
    const whisper = await load();
    expect(whisper.executionProvider).toBe('cpu');
    // The CPU takes the 8-bit files when the pack has them.
    expect(whisper.version).toMatch(/tiny-whisper-q8$/);
    const progress: number[] = [];
    const regions = [{ startMs: 2_000, endMs: 6_000 }, { startMs: 40_000, endMs: 44_000 }];
    const transcript = await whisper.transcribe(tone(50), { language: null, regions, onProgress: (fraction) => progress.push(fraction) });
    expect(transcript.language).toBe('en');
    expect(transcript.languageProbability).toBeGreaterThan(0.99);
    // Two windows (the regions are 34 s apart), each with the scripted two cues, offset by the
    // window start (region start − 200 ms padding).
    const expected = [1_800, 39_800].flatMap((offset) =>
      tinyWhisperScriptCues.map((cue) => ({ startMs: offset + cue.startSeconds * 1000, endMs: offset + cue.endSeconds * 1000, text: cue.text })),
    );
    expect(transcript.cues).toEqual(expected);
    expect(progress).toEqual([0.5, 1]);
  });

  it('takes the language it is given, refuses one Whisper does not know, and returns nothing for silence', async () => {
    const whisper = await load();
    const given = await whisper.transcribe(tone(5), { language: 'es', regions: [{ startMs: 0, endMs: 5_000 }] });
    expect(given.language).toBe('es');
    expect(given.languageProbability).toBeNull();
    expect(given.cues.map((cue) => cue.text)).toEqual(['Hello world.', 'Good morning.']);
    const unknown = await rejectionOf(whisper.transcribe(tone(5), { language: 'xx', regions: [{ startMs: 0, endMs: 5_000 }] }));
    expect(unknown.code).toBe('E_LANGUAGE_UNSUPPORTED');
    expect(unknown.action).toContain('Leave --from out');
    expect((await whisper.transcribe(tone(5), { language: null, regions: [] })).cues).toEqual([]);
  });

  it('drops cues that start after the window ends', async () => {
    const whisper = await load();
    // A 1.1 s window: the first cue (0–1 s) fits, the second (1.2–2.4 s) lies beyond it.
    const transcript = await whisper.transcribe(tone(3), { language: 'en', regions: [{ startMs: 1_000, endMs: 1_700 }] });
    expect(transcript.cues).toEqual([{ startMs: 800, endMs: 1_800, text: 'Hello world.' }]);
  });

  it('refuses a pack with a missing file with E_MODEL_MISSING, and a broken graph with E_MODEL_CORRUPT', async () => {
    const { dir } = writeTinyWhisper(path.join(temporary(), 'broken'));
    rmSync(path.join(dir, 'tokenizer.json'));
    const missing = await rejectionOf(WhisperTranscriber.load({ dir, packId: 'tiny-whisper' }, { preference: 'cpu' }));
    expect(missing.code).toBe('E_MODEL_MISSING');
    expect(missing.message).toContain('tokenizer.json');
    expect(missing.action).toContain('redub models install tiny-whisper');

    const corrupt = writeTinyWhisper(path.join(temporary(), 'corrupt'));
    for (const name of ['encoder_model.onnx', 'encoder_model_quantized.onnx']) writeFileSync(path.join(corrupt.dir, 'onnx', name), 'not an onnx graph');
    const error = await rejectionOf(WhisperTranscriber.load({ dir: corrupt.dir, packId: 'tiny-whisper' }, { preference: 'cpu' }));
    expect(error.code).toBe('E_MODEL_CORRUPT');
    expect(error.action).toContain('redub models verify tiny-whisper');
  });

  it('moves to the CPU with a warning when a GPU run fails, and finishes the work there', async () => {
    const { dir } = writeTinyWhisper(path.join(temporary(), 'fallback'));
    const real = await WhisperTranscriber.load({ dir, packId: 'tiny-whisper' }, { preference: 'cpu' });
    const realParts = (real as unknown as { bound: { value: WhisperParts } }).bound.value;
    const devices: string[] = [];
    const warnings: string[] = [];
    const whisper = await WhisperTranscriber.load(
      { dir, packId: 'tiny-whisper' },
      {
        preference: 'cuda',
        log: (message) => warnings.push(message),
        loader: async (device) => {
          devices.push(device);
          if (device === 'cpu') return realParts;
          // A CUDA model that loads, then runs out of memory on its first run.
          return { ...realParts, model: { ...realParts.model, generate: () => Promise.reject(new Error('CUDA failure 2: out of memory')), forward: () => Promise.reject(new Error('CUDA failure 2: out of memory')), dispose: async () => undefined } };
        },
      },
    );
    expect(whisper.executionProvider).toBe('cuda');
    const transcript = await whisper.transcribe(tone(5), { language: null, regions: [{ startMs: 0, endMs: 5_000 }] });
    expect(transcript.cues).toHaveLength(2);
    expect(whisper.executionProvider).toBe('cpu');
    expect(devices).toEqual(['cuda', 'cpu']);
    expect(warnings).toEqual([expect.stringContaining('CUDA failed while running tiny-whisper (CUDA failure 2: out of memory); running on the CPU instead')]);
  });
});
