// Measuring a lip-synced dub the way the end-to-end test judges it: how much a picture changed
// inside and outside a region, how blue a mouth is, how well two series line up (and at which
// lag), the loudness of stretches of audio, and which ffmpeg processes still run on some files.
import { execFileSync } from 'node:child_process';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const inside = (box: Box, x: number, y: number) => x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;

/**
 * Mean absolute difference per channel value of two RGB24 pictures, inside `region` and outside
 * `exclusion` (a region grown by a margin, so coding noise spilling past its edge counts in neither).
 */
export function regionDifference(a: Uint8Array, b: Uint8Array, width: number, region: Box, exclusion: Box): { inside: number; outside: number } {
  if (a.length !== b.length) throw new Error(`Pictures of ${a.length} and ${b.length} bytes cannot be compared.`);
  const height = a.length / (3 * width);
  let insideSum = 0;
  let insideCount = 0;
  let outsideSum = 0;
  let outsideCount = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      const difference = Math.abs(a[at]! - b[at]!) + Math.abs(a[at + 1]! - b[at + 1]!) + Math.abs(a[at + 2]! - b[at + 2]!);
      if (inside(region, x, y)) {
        insideSum += difference;
        insideCount += 3;
      } else if (!inside(exclusion, x, y)) {
        outsideSum += difference;
        outsideCount += 3;
      }
    }
  }
  return { inside: insideSum / insideCount, outside: outsideSum / outsideCount };
}

/** Mean of blue minus red over `box` of an RGB24 picture: the tiny Wav2Lip's loudness shows there. */
export function blueness(frame: Uint8Array, width: number, box: Box): number {
  let sum = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    for (let x = box.x; x < box.x + box.width; x++) {
      const at = (y * width + x) * 3;
      sum += frame[at + 2]! - frame[at]!;
    }
  }
  return sum / (box.width * box.height);
}

/** Pearson correlation of two series of equal length (0 when either is flat). */
export function correlation(a: readonly number[], b: readonly number[]): number {
  const length = Math.min(a.length, b.length);
  const mean = (values: readonly number[]) => values.slice(0, length).reduce((sum, value) => sum + value, 0) / length;
  const meanA = mean(a);
  const meanB = mean(b);
  let product = 0;
  let squaresA = 0;
  let squaresB = 0;
  for (let index = 0; index < length; index++) {
    product += (a[index]! - meanA) * (b[index]! - meanB);
    squaresA += (a[index]! - meanA) ** 2;
    squaresB += (b[index]! - meanB) ** 2;
  }
  return squaresA === 0 || squaresB === 0 ? 0 : product / Math.sqrt(squaresA * squaresB);
}

/**
 * The correlation of `measured[i + lag]` with `expected[i]` at each lag in [−maxLag, maxLag]
 * (over the frames both have), and the lag where it is highest.
 */
export function bestLag(measured: readonly number[], expected: readonly number[], maxLag: number): { lag: number; byLag: Map<number, number> } {
  const byLag = new Map<number, number>();
  let lag = 0;
  for (let shift = -maxLag; shift <= maxLag; shift++) {
    const pairs = expected.map((value, index) => [measured[index + shift], value] as const).filter((pair): pair is readonly [number, number] => pair[0] !== undefined);
    byLag.set(shift, correlation(pairs.map((pair) => pair[0]), pairs.map((pair) => pair[1])));
    if (byLag.get(shift)! > byLag.get(lag)!) lag = shift;
  }
  return { lag, byLag };
}

/** Root mean square of `samples` over [fromSecond, toSecond) at `rate`, as a fraction of full scale when `scale` is given. */
export function rmsOver(samples: ArrayLike<number>, rate: number, fromSecond: number, toSecond: number, scale = 1): number {
  const from = Math.max(0, Math.round(fromSecond * rate));
  const to = Math.min(samples.length, Math.round(toSecond * rate));
  let sum = 0;
  for (let index = from; index < to; index++) sum += (samples[index]! / scale) ** 2;
  return to > from ? Math.sqrt(sum / (to - from)) : 0;
}

/** The ffmpeg processes (pid and command line) whose command line names anything under `folder`. */
export function ffmpegProcessesOn(folder: string): { pid: number; args: string }[] {
  const listing = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return listing
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), args: match[2]! }))
    .filter((entry) => /(^|\/)ffmpeg(\s|$)/.test(entry.args.split(' ')[0]!) && entry.args.includes(folder));
}
