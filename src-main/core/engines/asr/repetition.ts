// Owns spotting Whisper's best-known failure: a window decoded into the same words over and over
// ("thank you thank you thank you …") until the token limit. Whisper's own decoder judges text by
// how well it compresses; text that gzips past 2.4× is a loop, not speech (OpenAI's threshold).
import { deflateRawSync } from 'node:zlib';

export const loopCompressionRatio = 2.4;

/** Text bytes over compressed bytes: about 1 for ordinary sentences, high for repeated ones. */
export function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return 0;
  return bytes.length / deflateRawSync(bytes).length;
}

export function isRepetitionLoop(text: string): boolean {
  return compressionRatio(text) > loopCompressionRatio;
}
