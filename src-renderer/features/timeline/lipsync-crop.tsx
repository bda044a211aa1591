// The waveform of a segment's audio with its crop handles: an added file whole (decoded in the
// page), or the dub around the crop (the timeline's own dub peaks). Each handle is a slider: drag
// it, or focus it and press ←/→ (a frame; Shift: ten) or Home/End. A drag is the store's preview,
// so the length rule is judged while the handle moves; the drop is one undo step.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { dubAudioRefId, type LipSyncSegment } from '../../../src-main/shared/lipsync.js';
import { frameDurationMs } from '../../../src-main/shared/time.js';
import { api } from '../../bridge/index.js';
import { formatCueTime } from '../../common/format.js';
import { useLipSyncStore } from '../../stores/lipsync-store.js';
import { lipSyncIo } from './lipsync-audio.js';
import { cropOf, dragCrop } from './lipsync-math.js';
import { prepareWaveCanvas } from '../../common/media/wave-canvas.js';

export interface LipSyncCropProps {
  jobId: string;
  segment: LipSyncSegment;
  /** The audio's length as the validator takes it. */
  audioLengthMs: number;
  fps: number;
  /** Changes when the dub is rendered again, so its peaks are read again. */
  dubVersion: string;
}

/** Peaks over [startMs, endMs]: `buckets` pairs of min and max, −1…1. */
interface ShownPeaks {
  startMs: number;
  endMs: number;
  buckets: number;
  peaks: ArrayLike<number>;
}

const height = 64;

/** What of the dub is drawn: the crop and as much again (at least a second) on each side. */
function dubWindow(crop: { startMs: number; endMs: number }, lengthMs: number): { startMs: number; endMs: number } {
  const pad = Math.max(1000, (crop.endMs - crop.startMs) / 2);
  return { startMs: Math.max(0, Math.round(crop.startMs - pad)), endMs: Math.min(lengthMs, Math.round(crop.endMs + pad)) };
}

export function LipSyncCrop({ jobId, segment, audioLengthMs, fps, dubVersion }: LipSyncCropProps) {
  const isDub = segment.audio.refId === dubAudioRefId;
  const entry = useLipSyncStore((state) => (isDub ? undefined : state.audio[segment.audio.refId]));
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [dubPeaks, setDubPeaks] = useState<ShownPeaks | null>(null);
  const [dubMissing, setDubMissing] = useState(false);
  const dragging = useRef<{ handle: 'start' | 'end'; window: { startMs: number; endMs: number } } | null>(null);
  const crop = cropOf(segment, audioLengthMs);

  // The window holds still while a handle is dragged: the handle moves, not the waveform under it.
  const liveWindow = isDub ? dubWindow(crop, audioLengthMs) : { startMs: 0, endMs: audioLengthMs };
  const range = dragging.current?.window ?? liveWindow;
  const span = Math.max(1, range.endMs - range.startMs);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (!isDub) useLipSyncStore.getState().loadAudio(lipSyncIo, segment.audio.refId);
  }, [isDub, segment.audio.refId]);

  useEffect(() => {
    if (!isDub || width <= 0 || range.endMs <= range.startMs) return;
    let live = true;
    const timer = setTimeout(() => {
      api
        .getWaveform(jobId, { track: 'dub', startMs: range.startMs, endMs: range.endMs, pixels: Math.min(4096, Math.max(1, Math.round(width))) })
        .then((loaded) => {
          if (!live) return;
          setDubPeaks({ startMs: loaded.startMs, endMs: loaded.endMs, buckets: loaded.pixels, peaks: loaded.peaks.map((value) => value / 128) });
          setDubMissing(false);
        })
        .catch(() => live && setDubMissing(true));
    }, 60);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [isDub, jobId, range.startMs, range.endMs, width, dubVersion]);

  const shown = useMemo<ShownPeaks | null>(() => (isDub ? dubPeaks : entry?.state === 'ready' ? { startMs: 0, endMs: entry.peaks.durationMs, buckets: entry.peaks.buckets, peaks: entry.peaks.peaks } : null), [isDub, dubPeaks, entry]);

  useEffect(() => {
    const element = canvas.current;
    if (!element || width <= 0) return;
    const context = prepareWaveCanvas(element, width, height);
    if (!context || !shown) return;
    const middle = height / 2;
    const shownSpan = Math.max(1, shown.endMs - shown.startMs);
    for (let x = 0; x < width; x++) {
      const ms = range.startMs + (x / width) * span;
      const at = Math.floor(((ms - shown.startMs) / shownSpan) * shown.buckets);
      if (at < 0 || at >= shown.buckets) continue;
      const top = middle - shown.peaks[2 * at + 1]! * middle;
      const bottom = middle - shown.peaks[2 * at]! * middle;
      context.fillRect(x, top, 1, Math.max(1, bottom - top));
    }
  }, [shown, width, range.startMs, span]);

  const store = () => useLipSyncStore.getState();
  const toX = (ms: number) => ((ms - range.startMs) / span) * width;
  const msAt = (clientX: number) => {
    const left = box.current?.getBoundingClientRect().left ?? 0;
    return range.startMs + ((clientX - left) / Math.max(1, width)) * span;
  };

  const startDrag = (event: PointerEvent<HTMLSpanElement>, handle: 'start' | 'end') => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.focus();
    event.currentTarget.setPointerCapture(event.pointerId);
    dragging.current = { handle, window: liveWindow };
  };
  const moveDrag = (event: PointerEvent<HTMLSpanElement>) => {
    const current = dragging.current;
    if (!current) return;
    const ms = Math.max(current.window.startMs, Math.min(current.window.endMs, msAt(event.clientX)));
    store().setPreview(dragCrop(segment, current.handle, ms, audioLengthMs, fps));
  };
  const endDrag = () => {
    if (!dragging.current) return;
    dragging.current = null;
    const { preview } = store();
    if (preview && preview.id === segment.id) store().put(preview);
    else store().setPreview(null);
  };

  const onKey = (event: KeyboardEvent<HTMLSpanElement>, handle: 'start' | 'end') => {
    const value = handle === 'start' ? crop.startMs : crop.endMs;
    const frame = frameDurationMs(fps) * (event.shiftKey ? 10 : 1);
    let next: number | null = null;
    if (event.key === 'ArrowLeft' || event.key === 'ArrowDown') next = value - frame;
    else if (event.key === 'ArrowRight' || event.key === 'ArrowUp') next = value + frame;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = audioLengthMs;
    if (next === null) return;
    event.preventDefault();
    event.stopPropagation();
    store().put(dragCrop(segment, handle, next, audioLengthMs, fps));
  };

  const handle = (which: 'start' | 'end') => {
    const value = which === 'start' ? crop.startMs : crop.endMs;
    const name = which === 'start' ? 'Crop start' : 'Crop end';
    return (
      <span
        className={`lipsync-crop__handle lipsync-crop__handle--${which}`}
        role="slider"
        tabIndex={0}
        aria-label={`${name} of the segment’s audio`}
        aria-valuemin={which === 'start' ? 0 : crop.startMs}
        aria-valuemax={which === 'start' ? crop.endMs : audioLengthMs}
        aria-valuenow={value}
        aria-valuetext={formatCueTime(value)}
        data-testid={`lipsync-crop-${which}`}
        style={{ left: Math.max(0, Math.min(width, toX(value))) }}
        onPointerDown={(event) => startDrag(event, which)}
        onPointerMove={moveDrag}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onKeyDown={(event) => onKey(event, which)}
      />
    );
  };

  const cropLeft = Math.max(0, toX(crop.startMs));
  const cropRight = Math.min(width, toX(crop.endMs));
  return (
    <div className="lipsync-crop" data-testid="lipsync-crop">
      <div className="lipsync-crop__wave" ref={box}>
        <canvas ref={canvas} style={{ width, height }} role="img" aria-label={`Waveform of the segment’s audio from ${formatCueTime(range.startMs)} to ${formatCueTime(range.endMs)}`} data-drawn={shown !== null} data-testid="lipsync-crop-wave" />
        <span className="lipsync-crop__shade" style={{ left: 0, width: Math.max(0, cropLeft) }} aria-hidden="true" />
        <span className="lipsync-crop__shade" style={{ left: cropRight, width: Math.max(0, width - cropRight) }} aria-hidden="true" />
        {handle('start')}
        {handle('end')}
      </div>
      {entry?.state === 'loading' ? <p className="muted lipsync-crop__note">Reading the audio file…</p> : null}
      {entry?.state === 'failed' ? (
        <p className="lipsync-crop__note" role="alert" data-testid="lipsync-crop-error">
          {entry.error.message} {entry.error.action}
        </p>
      ) : null}
      {isDub && dubMissing ? <p className="muted lipsync-crop__note">The dub’s waveform appears once the job has rendered it.</p> : null}
    </div>
  );
}
