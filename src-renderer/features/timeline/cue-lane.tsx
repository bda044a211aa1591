// A lane of cue blocks: the source cues, or the dub cues over the dub's waveform. Only the cues in
// view are drawn (an hour holds hundreds). Each block is an option of the lane's listbox, named
// "Cue N, start to end: text", reachable with the arrow keys (one tab stop per lane). A dub block
// shows its slot and, inside it, how long the speech is once fitted, coloured by how much it was
// sped up; its edges can be dragged to retime it, snapping to neighbouring cues and to frames.
// A cue whose speaker is known wears that speaker's colour (speaker-colours.ts), its name says who
// speaks it, and a block wide enough shows the speaker's name too: colour is never all there is.
import { memo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { CueView } from '../../../src-main/shared/cues.js';
import { formatCueTime } from '../../common/format.js';
import { speakerClass } from './speaker-colours.js';
import { cuesInView, msToPx, pxToMs, snapEdge, speedTone } from './timeline-math.js';

export interface CueLaneProps {
  kind: 'source' | 'dub';
  label: string;
  cues: readonly CueView[];
  pixelsPerSecond: number;
  viewFromMs: number;
  viewToMs: number;
  durationMs: number;
  fps: number;
  selectedId: string | null;
  /** Speaker id → colour index, made once per view (speakerColours). */
  speakerColours: ReadonlyMap<string, number>;
  onSelect(cue: CueView): void;
  onRetime(cue: CueView, startMs: number, endMs: number): void;
}

/** Narrower than this, a block shows no text, speech bar or edge handles (zoom in to drag its edges). */
const detailPixels = 16;

/** Narrower than this, a block leaves its speaker's name out (the colour and its accessible name keep it). */
const speakerTagPixels = 72;

/** Within this many pixels of a neighbour's edge, a dragged edge joins it. */
const snapPixels = 8;

/**
 * "Cue 2, 0:01.200 to 0:02.500, spoken by SPEAKER_2: Hola (not rendered yet)"; a source block says
 * "Source line 2, …"; a cue nobody is named for leaves the speaker out.
 */
export function cueName(cue: CueView, kind: 'source' | 'dub'): string {
  const state = [cue.stale ? 'not rendered yet' : '', cue.edited ? 'edited' : '', cue.overlaps ? 'overlaps another cue' : '', cue.flag === 'overflow' ? 'too long for its slot' : ''].filter(Boolean).join(', ');
  const times = `${formatCueTime(cue.startMs)} to ${formatCueTime(cue.endMs)}${cue.speaker ? `, spoken by ${cue.speaker}` : ''}`;
  if (kind === 'source') return `Source line ${cue.index + 1}, ${times}: ${cue.sourceText || '(no source text)'}`;
  return `Cue ${cue.index + 1}, ${times}: ${cue.targetText}${state ? ` (${state})` : ''}`;
}

interface Drag {
  id: string;
  edge: 'start' | 'end';
  startMs: number;
  endMs: number;
}

export const CueLane = memo(function CueLane({ kind, label, cues, pixelsPerSecond, viewFromMs, viewToMs, durationMs, fps, selectedId, speakerColours, onSelect, onRetime }: CueLaneProps) {
  const [drag, setDrag] = useState<Drag | null>(null);
  const lane = useRef<HTMLDivElement>(null);
  const visible = cuesInView(cues, viewFromMs, viewToMs);
  const selected = cues.find((cue) => cue.id === selectedId);
  // The selected cue stays in the DOM (and focusable) even when scrolled away.
  if (selected && !visible.includes(selected)) visible.push(selected);
  const focusable = selected?.id ?? visible[0]?.id;

  const startDrag = (event: PointerEvent, cue: CueView, edge: 'start' | 'end') => {
    event.stopPropagation();
    event.currentTarget.setPointerCapture(event.pointerId);
    setDrag({ id: cue.id, edge, startMs: cue.startMs, endMs: cue.endMs });
  };

  const moveDrag = (event: PointerEvent, cue: CueView) => {
    if (!drag || drag.id !== cue.id || !lane.current) return;
    const box = lane.current.getBoundingClientRect();
    const raw = pxToMs(event.clientX - box.left, pixelsPerSecond);
    const neighbours = cues.filter((other) => other.id !== cue.id).flatMap((other) => [other.startMs, other.endMs]);
    const ms = snapEdge(raw, neighbours, { thresholdMs: pxToMs(snapPixels, pixelsPerSecond), fps, durationMs });
    setDrag(drag.edge === 'start' ? { ...drag, startMs: Math.min(ms, drag.endMs - 1) } : { ...drag, endMs: Math.max(ms, drag.startMs + 1) });
  };

  const endDrag = (cue: CueView) => {
    if (!drag || drag.id !== cue.id) return;
    setDrag(null);
    if (drag.startMs !== cue.startMs || drag.endMs !== cue.endMs) onRetime(cue, drag.startMs, drag.endMs);
  };

  const onKey = (event: KeyboardEvent) => {
    if (event.key !== 'Home' && event.key !== 'End') return;
    event.preventDefault();
    const cue = event.key === 'Home' ? cues[0] : cues.at(-1);
    if (cue) onSelect(cue);
  };

  return (
    <div className={`timeline-lane timeline-lane--cues timeline-lane--${kind}`} data-testid={`lane-${kind}`}>
      <span className="timeline-lane__label" id={`lane-label-${kind}`}>
        {label}
      </span>
      <div ref={lane} role="listbox" aria-labelledby={`lane-label-${kind}`} className="timeline-lane__cues" onKeyDown={onKey}>
        {visible.map((cue) => {
          const shown = drag?.id === cue.id ? drag : cue;
          const left = msToPx(shown.startMs, pixelsPerSecond);
          const width = Math.max(2, msToPx(shown.endMs - shown.startMs, pixelsPerSecond));
          const tone = speedTone(cue.speedFactor, cue.flag);
          // A block a few pixels wide (the whole hour in view) is only its box: its name says the rest.
          const detailed = width >= detailPixels;
          const fitted = detailed && kind === 'dub' && cue.placedStartMs !== null && cue.placedEndMs !== null;
          return (
            <div
              key={cue.id}
              id={`cue-${kind}-${cue.id}`}
              role="option"
              aria-selected={cue.id === selectedId}
              aria-label={cueName(cue, kind)}
              tabIndex={cue.id === focusable ? 0 : -1}
              data-testid={`cue-${kind}`}
              data-cue-id={cue.id}
              data-index={cue.index}
              data-stale={cue.stale}
              data-speaker={cue.speaker ?? undefined}
              className={`cue-block cue-block--${kind}${speakerClass(speakerColours, cue.speaker, 'cue-block')}${cue.id === selectedId ? ' cue-block--selected' : ''}${cue.stale ? ' cue-block--stale' : ''}${cue.overlaps ? ' cue-block--overlaps' : ''}`}
              style={{ left, width }}
              onClick={() => onSelect(cue)}
              onFocus={() => cue.id !== selectedId && onSelect(cue)}
            >
              {fitted ? (
                <span
                  className={`cue-block__speech cue-block__speech--${tone}`}
                  style={{ left: msToPx(cue.placedStartMs! - cue.startMs, pixelsPerSecond), width: Math.max(1, msToPx(cue.placedEndMs! - cue.placedStartMs!, pixelsPerSecond)) }}
                  title={cue.speedFactor !== null ? `Spoken at ${cue.speedFactor.toFixed(2)}×` : undefined}
                />
              ) : null}
              {detailed ? (
                <span className="cue-block__text">
                  {/* "Ana: Hola", as the block's name has it: what is seen is part of what is heard. */}
                  {cue.speaker && width >= speakerTagPixels ? <span className="cue-block__speaker">{cue.speaker}:</span> : null}
                  {cue.speaker && width >= speakerTagPixels ? ' ' : null}
                  {kind === 'dub' ? cue.targetText : cue.sourceText}
                </span>
              ) : null}
              {kind === 'dub' && (detailed || drag?.id === cue.id) ? (
                <>
                  <span className="cue-block__edge cue-block__edge--start" aria-hidden="true" data-testid="cue-edge-start" onPointerDown={(event) => startDrag(event, cue, 'start')} onPointerMove={(event) => moveDrag(event, cue)} onPointerUp={() => endDrag(cue)} />
                  <span className="cue-block__edge cue-block__edge--end" aria-hidden="true" data-testid="cue-edge-end" onPointerDown={(event) => startDrag(event, cue, 'end')} onPointerMove={(event) => moveDrag(event, cue)} onPointerUp={() => endDrag(cue)} />
                </>
              ) : null}
            </div>
          );
        })}
      </div>
    </div>
  );
});
