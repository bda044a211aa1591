// Test voices for the diarization tests: synthetic "speakers" that differ by construction (a
// harmonic series with its fundamental low or high, a different spectral tilt, and syllable-like
// bursts), and a script that alternates lines between two voices with gaps between them.

export interface SyntheticVoice {
  /** Fundamental in Hz. */
  pitch: number;
  /** Harmonic k has amplitude k^−tilt. */
  tilt: number;
}

export const lowVoice: SyntheticVoice = { pitch: 110, tilt: 1 };
export const highVoice: SyntheticVoice = { pitch: 225, tilt: 0.6 };

/** `seconds` of the voice at 16 kHz: harmonics up to 4 kHz, pitch wobbling ±4 %, 4 syllables a second. */
export function voiceLine(voice: SyntheticVoice, seconds: number, sampleRate = 16_000, seed = 1): Float32Array {
  const samples = new Float32Array(Math.round(seconds * sampleRate));
  const harmonics = Math.floor(4000 / voice.pitch);
  let norm = 0;
  for (let k = 1; k <= harmonics; k++) norm += k ** (-2 * voice.tilt);
  const gain = 0.1 / Math.sqrt(norm / 2);
  let phase = 0;
  for (let index = 0; index < samples.length; index++) {
    const time = index / sampleRate;
    const frequency = voice.pitch * (1 + 0.04 * Math.sin(2 * Math.PI * (0.7 * time + seed)));
    phase += (2 * Math.PI * frequency) / sampleRate;
    // Syllables: a raised-cosine burst every quarter second, silent for a tenth of it.
    const syllable = (time * 4) % 1;
    const envelope = syllable < 0.9 ? Math.sin((Math.PI * syllable) / 0.9) ** 0.5 : 0;
    let value = 0;
    for (let k = 1; k <= harmonics; k++) value += k ** -voice.tilt * Math.sin(k * phase);
    samples[index] = gain * envelope * value;
  }
  return samples;
}

export interface ScriptLine {
  voice: 'a' | 'b';
  startMs: number;
  endMs: number;
}

/** Lines laid end to end with `gapMs` of silence before each; returns the track and where each line is. */
export function alternate(lines: readonly { voice: 'a' | 'b'; samples: Float32Array }[], gapMs: number, sampleRate = 16_000): { track: Float32Array; script: ScriptLine[] } {
  const gap = Math.round((gapMs * sampleRate) / 1000);
  const total = lines.reduce((sum, line) => sum + gap + line.samples.length, 0) + gap;
  const track = new Float32Array(total);
  const script: ScriptLine[] = [];
  let offset = 0;
  for (const line of lines) {
    offset += gap;
    track.set(line.samples, offset);
    script.push({ voice: line.voice, startMs: (offset * 1000) / sampleRate, endMs: ((offset + line.samples.length) * 1000) / sampleRate });
    offset += line.samples.length;
  }
  return { track, script };
}
