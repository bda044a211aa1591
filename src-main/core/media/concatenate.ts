// Joins pieces of audio produced chunk by chunk (an engine's callbacks, a time-scaler's output)
// into one array of their type.

type SampleArray = Int16Array | Float32Array;

export function concatenate<T extends SampleArray>(parts: readonly T[], make: (length: number) => T): T {
  const output = make(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    output.set(part, offset);
    offset += part.length;
  }
  return output;
}
