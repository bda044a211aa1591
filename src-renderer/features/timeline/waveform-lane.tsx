// A lane that draws one track's waveform: min/max peaks for the part in view (with a screen's
// margin on each side, so a scroll draws at once), fetched from the core's peaks and redrawn on a
// canvas as the view moves. The peaks are computed once per audio; zooming asks for another
// resolution of the same file, never for a new computation.
import { memo, useEffect, useRef, useState } from 'react';
import type { WaveformQuery, WaveformView } from '../../../src-main/shared/contract.js';
import { api } from '../../bridge/index.js';
import { msToPx, pxToMs } from './timeline-math.js';
import { prepareWaveCanvas } from '../../common/media/wave-canvas.js';

export interface WaveformLaneProps {
  jobId: string;
  /** The original, the dub, or the background the voices were separated from. */
  track: WaveformQuery['track'];
  label: string;
  durationMs: number;
  pixelsPerSecond: number;
  scrollMs: number;
  width: number;
  /** Changes when the track's audio does (a render), so its peaks are fetched again. */
  version: string;
  /** False where a lane drawn over this one already shows a label in the same place. */
  showLabel?: boolean;
}

const height = 56;

export const WaveformLane = memo(function WaveformLane({ jobId, track, label, durationMs, pixelsPerSecond, scrollMs, width, version, showLabel = true }: WaveformLaneProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [peaks, setPeaks] = useState<WaveformView | null>(null);
  const [missing, setMissing] = useState(false);
  const hasPeaks = useRef(false);
  hasPeaks.current = peaks !== null;

  // The window asked for: the view and a screen on either side, in steps of a screen so a small
  // scroll does not ask again.
  const span = pxToMs(width, pixelsPerSecond);
  const windowStart = Math.max(0, Math.floor(scrollMs / span) * span - span);
  const windowEnd = Math.min(durationMs, windowStart + 3 * span);

  useEffect(() => {
    if (width <= 0 || windowEnd <= windowStart) return;
    let live = true;
    const pixels = Math.min(16_384, Math.max(1, Math.round(msToPx(windowEnd - windowStart, pixelsPerSecond))));
    // The first peaks at once; later windows after a pause, so a fast scroll or zoom asks once.
    const timer = setTimeout(() => {
      api
        .getWaveform(jobId, { track, startMs: Math.round(windowStart), endMs: Math.round(windowEnd), pixels })
        .then((loaded) => {
          if (!live) return;
          setPeaks(loaded);
          setMissing(false);
        })
        .catch(() => live && setMissing(true));
    }, hasPeaks.current ? 60 : 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [jobId, track, windowStart, windowEnd, pixelsPerSecond, width, version]);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const context = prepareWaveCanvas(element, width, height);
    if (!context || !peaks) return;
    const perPixel = peaks.pixels / Math.max(1, msToPx(peaks.endMs - peaks.startMs, pixelsPerSecond));
    const middle = height / 2;
    for (let x = 0; x < width; x++) {
      const ms = scrollMs + pxToMs(x, pixelsPerSecond);
      const at = Math.floor(msToPx(ms - peaks.startMs, pixelsPerSecond) * perPixel);
      if (at < 0 || at >= peaks.pixels) continue;
      const low = peaks.peaks[2 * at]!;
      const high = peaks.peaks[2 * at + 1]!;
      const top = middle - (high / 128) * middle;
      const bottom = middle - (low / 128) * middle;
      context.fillRect(x, top, 1, Math.max(1, bottom - top));
    }
  }, [peaks, scrollMs, pixelsPerSecond, width]);

  return (
    <div className={`timeline-lane timeline-lane--wave timeline-lane--${track}`} data-testid={`lane-wave-${track}`}>
      {showLabel ? <span className="timeline-lane__label">{label}</span> : <span className="timeline-lane__label" aria-hidden="true">&nbsp;</span>}
      <canvas ref={canvas} className="timeline-wave" style={{ width, height }} role="img" aria-label={`${label} waveform`} data-drawn={peaks !== null} />
      {missing ? <span className="timeline-lane__missing">The waveform appears once the job has rendered it.</span> : null}
    </div>
  );
});
