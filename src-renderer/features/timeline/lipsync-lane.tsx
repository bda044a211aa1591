// The timeline's lip-sync lane: the segments where the lips are re-synced, drawn by dragging across
// empty lane, retimed by dragging an edge, moved by dragging the block, each drag snapped to frames
// and neighbours and stopped at its neighbours. While a drag moves, the dragged segment is the
// store's preview, so the shared validator judges what the person sees and a broken rule shows on
// the block at once. Like the cue lanes, the blocks are a listbox (one tab stop) whose options name
// their times, audio and any rule they break; the keys are laneKeyAction's.
import { memo, useMemo, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import type { LipSyncSegment } from '../../../src-main/shared/lipsync.js';
import { limitNotice, useLipSyncStore } from '../../stores/lipsync-store.js';
import { useTimelineViewStore } from '../../stores/timeline-view-store.js';
import { canAddSegment, drawnSpan, dragEdge, edgeAt, laneKeyAction, lipSyncRuleNames, liveViolations, moveSegment, newSegment, nudge, segmentName, violationsBySegment, withPreview, type LaneMedia, type SnapOptions } from './lipsync-math.js';
import { cuesInView, msToPx, pxToMs } from './timeline-math.js';

export interface LipSyncLaneProps {
  label: string;
  pixelsPerSecond: number;
  viewFromMs: number;
  viewToMs: number;
  durationMs: number;
  fps: number;
}

/** Narrower than this, a block shows no text or edge handles (zoom in to drag its edges). */
const detailPixels = 16;

/** Within this many pixels of a neighbour's edge, a dragged edge joins it (as on the cue lanes). */
const snapPixels = 8;

/** A press that moves less than this is a click (select, seek), not a drag. */
const dragPixels = 3;

type Gesture = { pointerId: number } & (
  | { kind: 'draw'; anchorMs: number; startX: number }
  | { kind: 'edge'; segment: LipSyncSegment; edge: 'start' | 'end' }
  | { kind: 'move'; segment: LipSyncSegment; grabMs: number; startX: number; moved: boolean }
);

/** The DOM id of a segment's block, for focus. */
export const segmentElementId = (id: string) => `lipsync-${id}`;

export function focusSegment(id: string | null): void {
  if (id) requestAnimationFrame(() => document.getElementById(segmentElementId(id))?.focus());
}

export const LipSyncLane = memo(function LipSyncLane({ label, pixelsPerSecond, viewFromMs, viewToMs, durationMs, fps }: LipSyncLaneProps) {
  const segments = useLipSyncStore((state) => state.segments);
  const preview = useLipSyncStore((state) => state.preview);
  const plan = useLipSyncStore((state) => state.plan);
  const selectedId = useLipSyncStore((state) => state.selectedId);
  const track = useRef<HTMLDivElement>(null);
  const gesture = useRef<Gesture | null>(null);
  const media: LaneMedia = useMemo(() => ({ durationMs, fps }), [durationMs, fps]);
  const files = plan?.audio ?? [];
  const maxSegments = plan?.maxSegments ?? 0;

  const shown = useMemo(() => withPreview(segments, preview), [segments, preview]);
  const refused = useLipSyncStore((state) => state.refused);
  // The core's refusal marks its segments too, until the draft changes (the store then drops it).
  const problems = useMemo(() => violationsBySegment([...liveViolations(shown, media, files, maxSegments), ...refused], shown), [shown, media, files, maxSegments, refused]);
  const visible = cuesInView(shown, viewFromMs, viewToMs);
  const selected = shown.find((segment) => segment.id === selectedId);
  if (selected && !visible.includes(selected)) visible.push(selected);
  const focusable = selected?.id ?? visible[0]?.id;

  if (!plan) return null;

  const snap = (): SnapOptions => ({ ...media, thresholdMs: pxToMs(snapPixels, pixelsPerSecond) });
  const msAt = (clientX: number) => pxToMs(clientX - (track.current?.getBoundingClientRect().left ?? 0), pixelsPerSecond);
  const store = () => useLipSyncStore.getState();

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0 || !track.current) return;
    const target = event.target as HTMLElement;
    const block = target.closest<HTMLElement>('[data-segment-id]');
    const segment = block ? store().segments.find((each) => each.id === block.dataset.segmentId) : undefined;
    const ms = msAt(event.clientX);
    if (segment) {
      const edge = target.dataset.edge as 'start' | 'end' | undefined;
      store().select(segment.id);
      // The lane takes the pointer below, so the block is focused here, for the keys that follow.
      block!.focus({ preventScroll: true });
      const pointerId = event.pointerId;
      gesture.current = edge ? { pointerId, kind: 'edge', segment, edge } : { pointerId, kind: 'move', segment, grabMs: ms - segment.startMs, startX: event.clientX, moved: false };
      // An edge is dragged from the first move; a block only once the pointer has moved (so a
      // click or a double click still reaches the block itself).
      if (edge) holdPointer(pointerId);
    } else {
      gesture.current = { pointerId: event.pointerId, kind: 'draw', anchorMs: ms, startX: event.clientX };
    }
  };

  // The lane keeps the pointer once a drag is under way: it goes on over other blocks and past the lane's ends.
  const holdPointer = (pointerId: number) => {
    if (track.current && !track.current.hasPointerCapture(pointerId)) track.current.setPointerCapture(pointerId);
  };

  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const current = gesture.current;
    if (!current) return;
    const ms = msAt(event.clientX);
    const all = store().segments;
    if (current.kind === 'edge') {
      store().setPreview(dragEdge(current.segment, current.edge, ms, all, snap()));
    } else if (current.kind === 'move') {
      if (!current.moved && Math.abs(event.clientX - current.startX) < dragPixels) return;
      current.moved = true;
      holdPointer(current.pointerId);
      store().setPreview(moveSegment(current.segment, ms - current.grabMs, all, snap()));
    } else {
      if (Math.abs(event.clientX - current.startX) < dragPixels) return;
      holdPointer(current.pointerId);
      const span = drawnSpan(current.anchorMs, ms, all, snap());
      if (!span) return store().setPreview(null);
      // The limit holds while drawing: no block appears, and the lane says why.
      if (!canAddSegment(all, maxSegments)) {
        if (store().notice !== limitNotice(maxSegments)) store().say(limitNotice(maxSegments));
        return;
      }
      store().setPreview(newSegment(all, span.startMs, span.endMs));
    }
  };

  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    const current = gesture.current;
    gesture.current = null;
    if (!current) return;
    const { preview: dragged } = store();
    if (current.kind === 'draw') {
      if (dragged) {
        store().add(dragged);
        focusSegment(dragged.id);
      } else if (Math.abs(event.clientX - current.startX) < dragPixels) {
        // A click on the empty lane puts the playhead there, as the ruler does.
        store().select(null);
        useTimelineViewStore.getState().ask({ kind: 'seek', ms: Math.max(0, Math.min(durationMs, current.anchorMs)) });
      }
      return;
    }
    if (current.kind === 'move' && !current.moved) {
      useTimelineViewStore.getState().ask({ kind: 'seek', ms: current.segment.startMs });
      return;
    }
    if (dragged && (dragged.startMs !== current.segment.startMs || dragged.endMs !== current.segment.endMs)) store().put(dragged);
    else store().setPreview(null);
  };

  const onPointerCancel = () => {
    gesture.current = null;
    store().setPreview(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const id = (event.target as HTMLElement).dataset.segmentId;
    const action = laneKeyAction(event);
    const all = store().segments;
    const at = all.findIndex((segment) => segment.id === id);
    const segment = all[at];
    if (!action || !segment) return;
    // The lane's keys stay in the lane: ← and → here choose segments, not cues.
    event.preventDefault();
    event.stopPropagation();
    const choose = (next: LipSyncSegment | undefined) => {
      if (!next) return;
      store().select(next.id);
      useTimelineViewStore.getState().ask({ kind: 'seek', ms: next.startMs });
      focusSegment(next.id);
    };
    switch (action.kind) {
      case 'select':
        choose(action.to === 'previous' ? all[at - 1] : action.to === 'next' ? all[at + 1] : action.to === 'first' ? all[0] : all.at(-1));
        break;
      case 'nudge':
        store().put(nudge(segment, action.part, action.frames, all, media));
        break;
      case 'edge-at-playhead':
        store().put(edgeAt(segment, action.edge, useTimelineViewStore.getState().playheadMs, all, media));
        break;
      case 'delete':
        store().remove(segment.id);
        focusSegment(store().selectedId);
        break;
      case 'open':
        store().edit(segment.id);
        break;
      case 'close':
        store().edit(null);
        break;
      case 'play': {
        const view = useTimelineViewStore.getState();
        view.ask({ kind: 'play-range', fromMs: segment.startMs, toMs: segment.endMs, track: view.heard });
        break;
      }
      case 'undo':
        store().undo();
        break;
      case 'redo':
        store().redo();
        break;
    }
  };

  const empty = shown.length === 0;
  return (
    <div className="timeline-lane timeline-lane--lipsync" data-testid="lane-lipsync">
      <span className="timeline-lane__label" id="lane-label-lipsync">
        {label} ({segments.length} of {maxSegments})
      </span>
      <div
        ref={track}
        className="lipsync-lane__track"
        data-testid="lipsync-track"
        role={empty ? 'group' : 'listbox'}
        aria-labelledby="lane-label-lipsync"
        aria-describedby="lipsync-lane-keys"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerCancel}
        onKeyDown={onKeyDown}
      >
        {empty ? <span className="lipsync-lane__hint">Drag across this lane to mark a lip-sync segment.</span> : null}
        {visible.map((segment) => {
          const broken = problems.get(segment.id) ?? [];
          const left = msToPx(segment.startMs, pixelsPerSecond);
          const width = Math.max(2, msToPx(segment.endMs - segment.startMs, pixelsPerSecond));
          const detailed = width >= detailPixels;
          const dragging = preview?.id === segment.id;
          const drawing = dragging && !segments.some((each) => each.id === segment.id);
          return (
            <div
              key={segment.id}
              id={drawing ? undefined : segmentElementId(segment.id)}
              role="option"
              aria-selected={segment.id === selectedId}
              aria-label={segmentName(segment, files, media, broken)}
              tabIndex={!drawing && segment.id === focusable ? 0 : -1}
              data-testid={drawing ? 'lipsync-drawing' : 'lipsync-segment'}
              data-segment-id={drawing ? undefined : segment.id}
              data-start-ms={segment.startMs}
              data-end-ms={segment.endMs}
              data-invalid={broken.length > 0}
              className={`lipsync-block${segment.id === selectedId ? ' lipsync-block--selected' : ''}${broken.length > 0 ? ' lipsync-block--invalid' : ''}${dragging ? ' lipsync-block--dragging' : ''}${segment.fit ? ' lipsync-block--fit' : ''}`}
              style={{ left, width }}
              onFocus={() => !drawing && segment.id !== store().selectedId && store().select(segment.id)}
              onDoubleClick={() => store().edit(segment.id)}
            >
              {detailed ? (
                <span className="lipsync-block__text">
                  {segment.id}
                  {broken[0] ? <span className="lipsync-block__problem" data-testid="lipsync-block-problem"> — {lipSyncRuleNames[broken[0].rule]}</span> : null}
                </span>
              ) : null}
              {detailed || dragging ? (
                <>
                  <span className="lipsync-block__edge lipsync-block__edge--start" aria-hidden="true" data-edge="start" data-testid="lipsync-edge-start" />
                  <span className="lipsync-block__edge lipsync-block__edge--end" aria-hidden="true" data-edge="end" data-testid="lipsync-edge-end" />
                </>
              ) : null}
            </div>
          );
        })}
      </div>
      <span id="lipsync-lane-keys" className="visually-hidden">
        Left and right arrows choose a segment; Alt with an arrow moves it a frame, Control with an arrow moves its start, Shift with an arrow moves its end; [ and ] put its start or end at the playhead; Enter opens its editor; Delete removes it.
      </span>
    </div>
  );
});
