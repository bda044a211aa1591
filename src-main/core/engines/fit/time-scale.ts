// Owns changing speech duration without changing pitch (Sonic, compiled to WASM).

import { concatenate } from '../../media/concatenate.js';
import type { SonicModule } from '@echogarden/sonic-wasm';
import { RedubError } from '../../../shared/errors.js';

/** Frames handed to Sonic per call, so WASM memory stays small whatever the clip's length. */
const chunkFrames = 16_384;

let sonicModule: Promise<SonicModule> | undefined;

/** Speeds speech up (speed > 1) or slows it down; the result lasts about input / speed. */
export async function timeScale(samples: Float32Array, sampleRate: number, speed: number): Promise<Float32Array> {
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new RedubError('E_INTERNAL', { details: [`Cannot time-scale speech by a speed of ${speed}.`] });
  }
  if (speed === 1 || samples.length === 0) return samples.slice();

  const sonic = await loadSonic();
  const stream = sonic._sonicCreateStream(sampleRate, 1);
  if (stream === 0) throw new RedubError('E_INTERNAL', { details: ['Sonic could not create a stream.'] });
  const inputPointer = sonic._malloc(chunkFrames * 4);
  const outputPointer = sonic._malloc(chunkFrames * 4);
  const parts: Float32Array[] = [];
  const drain = (): void => {
    for (;;) {
      const read = sonic._sonicReadFloatFromStream(stream, outputPointer, chunkFrames);
      if (read <= 0) return;
      // HEAPF32 is replaced whenever WASM memory grows, so it is read afresh each time.
      const start = outputPointer / 4;
      parts.push(sonic.HEAPF32.slice(start, start + read));
    }
  };
  try {
    sonic._sonicSetSpeed(stream, speed);
    for (let from = 0; from < samples.length; from += chunkFrames) {
      const chunk = samples.subarray(from, Math.min(samples.length, from + chunkFrames));
      sonic.HEAPF32.set(chunk, inputPointer / 4);
      if (sonic._sonicWriteFloatToStream(stream, inputPointer, chunk.length) === 0) {
        throw new RedubError('E_INTERNAL', { details: ['Sonic ran out of memory while time-scaling speech.'] });
      }
      drain();
    }
    sonic._sonicFlushStream(stream);
    drain();
  } finally {
    sonic._free(inputPointer);
    sonic._free(outputPointer);
    sonic._sonicDestroyStream(stream);
  }

  return concatenate(parts, (length) => new Float32Array(length));
}

function loadSonic(): Promise<SonicModule> {
  sonicModule ??= import('@echogarden/sonic-wasm').then(({ default: createSonic }) => createSonic()).catch((error: unknown) => {
    sonicModule = undefined;
    throw new RedubError('E_INTERNAL', {
      details: ['The Sonic time-scaling engine could not be started.', error instanceof Error ? error.message : String(error), 'Reinstall Redub\'s dependencies with npm install.'],
      cause: error,
    });
  });
  return sonicModule;
}
