// Time math. Redub keeps every time as integer milliseconds; frames appear only at the edges.

export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

export function msToSamples(ms: number, sampleRate: number): number {
  return Math.round((ms * sampleRate) / 1000);
}

export function samplesToMs(samples: number, sampleRate: number): number {
  return Math.round((samples * 1000) / sampleRate);
}

/** Length of one video frame in ms, for tolerance checks ("within one frame"). */
export function frameDurationMs(fps: number): number {
  return fps > 0 ? 1000 / fps : 1000 / 25;
}

/** Formats ms as H:MM:SS.mmm for messages a person reads. */
export function formatTimestamp(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  const pad = (value: number, width: number) => String(value).padStart(width, '0');
  return `${sign}${hours}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(millis, 3)}`;
}
