// Owns turning the tokens Whisper generates with timestamps into timed segments:
//   <|0.00|> Hello world.<|1.00|><|1.20|> Good morning.<|2.40|><|endoftext|>
// Timestamp tokens count 20 ms steps from the first timestamp id; text between two of them is
// one segment. Text left without a closing timestamp runs to the window's end.

export interface WhisperSegment {
  startMs: number;
  endMs: number;
  /** The text tokens, decoded by the caller with the pack's tokenizer. */
  tokens: number[];
}

export interface TimestampTokens {
  /** The id of <|0.00|>. */
  firstTimestamp: number;
  /** <|endoftext|>: nothing after it counts. */
  endOfText: number;
}

export const timestampStepMs = 20;

export function whisperSegments(generated: readonly number[], ids: TimestampTokens, windowMs: number): WhisperSegment[] {
  const segments: WhisperSegment[] = [];
  let startMs: number | null = null;
  let tokens: number[] = [];
  const close = (endMs: number) => {
    if (tokens.length > 0) {
      const start = Math.min(startMs ?? 0, windowMs);
      const end = Math.min(Math.max(endMs, start), windowMs);
      if (end > start) segments.push({ startMs: start, endMs: end, tokens });
    }
    tokens = [];
  };
  for (const id of generated) {
    if (id === ids.endOfText) break;
    if (id >= ids.firstTimestamp) {
      const timeMs = (id - ids.firstTimestamp) * timestampStepMs;
      if (tokens.length > 0) close(timeMs);
      startMs = timeMs;
    } else if (id < ids.endOfText) {
      tokens.push(id);
    }
    // Other specials (<|nocaptions|>, a stray language token) carry no text.
  }
  close(windowMs);
  return segments;
}
