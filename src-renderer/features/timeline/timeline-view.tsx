// The timeline of one job: a ruler, lanes (the original's waveform, the background's when the job
// separated the voices from it, the source cues, the dub's waveform with the dub cues over it, the
// lip-sync segments — a list, so more lanes slot in), the shared playhead, the selected cue's
// editor, the speakers and their voices, and the lip-sync plan's controls. Cue blocks wear their
// speaker's colour, from one map made per view. Cue
// edits go to the core at once (undo and redo go back through them); rendering follows a pause in
// editing, or the Render button. Subtitle editors' keys: Space play/pause, S play the line, ←/→ or
// Z/X previous/next cue, +/− zoom, Ctrl+Z undo, Ctrl+Shift+Z or Ctrl+Y redo, Enter commit, Escape
// cancel. The lip-sync lane keeps its own keys while it has the focus (lipsync-math's laneKeyAction).
import { useCallback, useEffect, useMemo, useRef, useState, type WheelEvent } from 'react';
import type { CueEdit, CueView } from '../../../src-main/shared/cues.js';
import { api, toApiError } from '../../bridge/index.js';
import { ErrorNotice } from '../../common/error-notice.js';
import { fileName, formatCueTime } from '../../common/format.js';
import { rememberedPosition } from '../../common/media/remembered-position.js';
import { isShortcutTarget } from '../../common/media/shortcut.js';
import { useCuesStore } from '../../stores/cues-store.js';
import { useJobsStore } from '../../stores/jobs-store.js';
import { useTimelineViewStore } from '../../stores/timeline-view-store.js';
import { useUiStore } from '../../stores/ui-store.js';
import { CueEditor } from './cue-editor.js';
import { CueLane } from './cue-lane.js';
import { LipSyncLane } from './lipsync-lane.js';
import { LipSyncPanel } from './lipsync-panel.js';
import { speakerColours } from './speaker-colours.js';
import { SpeakersPanel } from './speakers-panel.js';
import { clampZoom, fitPixelsPerSecond, msToPx, pxToMs, rulerTicks, scrollKeeping, zoomStep } from './timeline-math.js';
import { TimelinePlayer } from './timeline-player.js';
import { WaveformLane } from './waveform-lane.js';
import './timeline.css';

/** What the lanes are, top to bottom. A new lane is a new entry. */
type Lane = { id: string; kind: 'wave'; track: 'original' | 'background'; label: string } | { id: string; kind: 'cues'; cues: 'source'; label: string } | { id: string; kind: 'dub'; label: string } | { id: string; kind: 'lipsync'; label: string };
const lanes: readonly Lane[] = [
  { id: 'original', kind: 'wave', track: 'original', label: 'Original audio' },
  // Only where the job separated the voices: the music and effects the dub is mixed over.
  { id: 'background', kind: 'wave', track: 'background', label: 'Background (music and effects)' },
  { id: 'source', kind: 'cues', cues: 'source', label: 'Source cues' },
  { id: 'dub', kind: 'dub', label: 'Dub cues' },
  { id: 'lipsync', kind: 'lipsync', label: 'Lip-sync' },
];

function Playhead({ pixelsPerSecond }: { pixelsPerSecond: number }) {
  const playheadMs = useTimelineViewStore((state) => state.playheadMs);
  return <div className="timeline__playhead" style={{ left: msToPx(playheadMs, pixelsPerSecond) }} aria-hidden="true" data-testid="timeline-playhead" />;
}

/** How long editing must pause before a render starts by itself. */
export const renderDelayMs = 1500;

export function TimelineView({ jobId }: { jobId: string }) {
  const view = useCuesStore((state) => state.view);
  const loading = useCuesStore((state) => state.loading);
  const saving = useCuesStore((state) => state.saving);
  const error = useCuesStore((state) => state.error);
  const notice = useCuesStore((state) => state.notice);
  const canUndo = useCuesStore((state) => state.undoStack.length > 0);
  const canRedo = useCuesStore((state) => state.redoStack.length > 0);
  const job = useJobsStore((state) => state.byId[jobId]);
  // Not the playhead: it moves every frame while playing, and only the line drawing it (and the
  // editor's split button) follow it; the lanes render when the zoom, scroll or cues change.
  const pixelsPerSecond = useTimelineViewStore((state) => state.pixelsPerSecond);
  const scrollMs = useTimelineViewStore((state) => state.scrollMs);
  const selectedId = useTimelineViewStore((state) => state.selectedId);
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [autoRender, setAutoRender] = useState(true);
  const [renderError, setRenderError] = useState<string | null>(null);
  const renderTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pendingRender = useRef(false);
  const rendering = job?.state === 'running' || job?.state === 'queued' || job?.state === 'retry_wait';
  const durationMs = view?.durationMs ?? 0;
  const cues = view?.cues ?? [];
  const speakers = view?.speakers;
  const colours = useMemo(() => speakerColours(speakers ?? []), [speakers]);
  const speakerNames = useMemo(() => (speakers ?? []).map((speaker) => speaker.id), [speakers]);

  useEffect(() => {
    // Read before the reset: the player (mounted first) remembers every playhead change, the reset's too.
    const startMs = rememberedPosition(jobId);
    useTimelineViewStore.getState().reset();
    useTimelineViewStore.getState().setPlayhead(startMs, false);
    void useCuesStore.getState().open(api, jobId);
  }, [jobId]);

  // The lanes' width decides the farthest zoom (the whole video fills it).
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    setWidth(element.clientWidth);
    return () => observer.disconnect();
  }, [view !== null]);

  const fitted = useRef(false);
  useEffect(() => {
    if (fitted.current || !view || width <= 0) return;
    fitted.current = true;
    useTimelineViewStore.getState().setZoom(fitPixelsPerSecond(view.durationMs, width), 0);
  }, [view, width]);

  // While a render runs, each step it takes reads the cues again (at most four times a second):
  // the fitted cues turn fresh and the mix is playable as soon as their stages commit, not only
  // when the export is done.
  const progress = job?.progress;
  const lastRead = useRef(0);
  useEffect(() => {
    if (!rendering) return;
    const wait = Math.max(0, lastRead.current + 250 - Date.now());
    const timer = setTimeout(() => {
      lastRead.current = Date.now();
      void useCuesStore.getState().reload(api);
    }, wait);
    return () => clearTimeout(timer);
  }, [rendering, progress]);
  const lastDubPeaks = useRef('');
  if (view?.dubPeaksVersion) lastDubPeaks.current = view.dubPeaksVersion;

  // A render finished: the cues are fresh (and the mix new) once they are read again.
  const wasRendering = useRef(rendering);
  useEffect(() => {
    if (wasRendering.current && !rendering) {
      void useCuesStore.getState().reload(api);
      if (pendingRender.current) {
        pendingRender.current = false;
        void render();
      }
    }
    wasRendering.current = rendering;
  });

  const render = useCallback(async () => {
    if (renderTimer.current) clearTimeout(renderTimer.current);
    renderTimer.current = null;
    setRenderError(null);
    try {
      const summary = await api.renderJob(jobId);
      useJobsStore.getState().mergeJobs([summary]);
    } catch (caught) {
      const data = toApiError(caught).data;
      // Already rendering: render again as soon as that one ends.
      if (data.code === 'E_JOB_STATE') pendingRender.current = true;
      else setRenderError(data.message);
    }
  }, [jobId]);

  // A line committed in the editor (Enter) is what a person wants to hear: it renders at once.
  // Drags, splits and merges come in bursts: those render after a pause.
  const edit = useCallback(
    async (edits: CueEdit[], select?: (cues: readonly CueView[]) => string | null, committed = false) => {
      const ok = await useCuesStore.getState().edit(api, edits);
      if (!ok) return;
      const next = useCuesStore.getState().view?.cues ?? [];
      if (select) useTimelineViewStore.getState().select(select(next));
      if (autoRender) {
        if (renderTimer.current) clearTimeout(renderTimer.current);
        if (committed) void render();
        else renderTimer.current = setTimeout(() => void render(), renderDelayMs);
      }
    },
    [autoRender, render],
  );

  useEffect(() => () => {
    if (renderTimer.current) clearTimeout(renderTimer.current);
  }, []);

  const selected = cues.find((cue) => cue.id === selectedId) ?? null;

  const selectCue = useCallback((cue: CueView | undefined, focus = false) => {
    if (!cue) return;
    const store = useTimelineViewStore.getState();
    store.select(cue.id);
    store.ask({ kind: 'seek', ms: cue.startMs });
    const element = scroller.current;
    if (element) {
      const left = msToPx(cue.startMs, store.pixelsPerSecond);
      if (left < element.scrollLeft || left > element.scrollLeft + element.clientWidth - 40) element.scrollLeft = Math.max(0, left - element.clientWidth / 3);
    }
    if (focus) requestAnimationFrame(() => document.getElementById(`cue-dub-${cue.id}`)?.focus());
  }, []);

  const retime = useCallback((cue: CueView, startMs: number, endMs: number) => void edit([{ op: 'update', id: cue.id, startMs, endMs }]), [edit]);

  const zoom = useCallback(
    (direction: 1 | -1, anchorMs?: number, anchorOffsetPx?: number) => {
      const element = scroller.current;
      if (!element || !view) return;
      const store = useTimelineViewStore.getState();
      const next = clampZoom(zoomStep(store.pixelsPerSecond, direction), view.durationMs, element.clientWidth);
      const anchor = anchorMs ?? store.playheadMs;
      const offset = anchorOffsetPx ?? msToPx(anchor, store.pixelsPerSecond) - element.scrollLeft;
      const scroll = scrollKeeping(anchor, offset, next);
      store.setZoom(next, pxToMs(scroll, next));
      requestAnimationFrame(() => {
        element.scrollLeft = scroll;
      });
    },
    [view],
  );

  // The keys subtitle editors know. Never while a person types in a field.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const typing = !isShortcutTarget(event.target);
      const key = event.key.toLowerCase();
      if ((event.ctrlKey || event.metaKey) && !typing) {
        if (key === 'z' && !event.shiftKey) {
          event.preventDefault();
          void useCuesStore.getState().undo(api);
        } else if ((key === 'z' && event.shiftKey) || key === 'y') {
          event.preventDefault();
          void useCuesStore.getState().redo(api);
        }
        return;
      }
      if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
      const current = useCuesStore.getState().view?.cues ?? [];
      const store = useTimelineViewStore.getState();
      const position = current.findIndex((cue) => cue.id === store.selectedId);
      if (key === ' ' && !(event.target instanceof HTMLButtonElement)) {
        event.preventDefault();
        store.ask({ kind: 'toggle' });
      } else if (key === 's') {
        const cue = current[position];
        if (cue) {
          event.preventDefault();
          store.ask({ kind: 'play-range', fromMs: cue.startMs, toMs: cue.endMs, track: store.heard });
        }
      } else if (key === 'arrowright' || key === 'x') {
        event.preventDefault();
        selectCue(position >= 0 ? current[position + 1] : current.find((cue) => cue.startMs >= store.playheadMs), true);
      } else if (key === 'arrowleft' || key === 'z') {
        event.preventDefault();
        selectCue(position >= 0 ? current[position - 1] : current.findLast((cue) => cue.startMs < store.playheadMs), true);
      } else if (key === '+' || key === '=') {
        event.preventDefault();
        zoom(1);
      } else if (key === '-' || key === '_') {
        event.preventDefault();
        zoom(-1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [selectCue, zoom]);

  // Ctrl+wheel zooms around the pointer; a plain wheel scrolls as ever.
  const onWheel = (event: WheelEvent) => {
    if (!event.ctrlKey || !scroller.current) return;
    event.preventDefault();
    const box = scroller.current.getBoundingClientRect();
    const offset = event.clientX - box.left;
    zoom(event.deltaY < 0 ? 1 : -1, pxToMs(scroller.current.scrollLeft + offset, pixelsPerSecond), offset);
  };

  const scrollFrame = useRef(0);
  const onScroll = () => {
    cancelAnimationFrame(scrollFrame.current);
    scrollFrame.current = requestAnimationFrame(() => {
      if (scroller.current) useTimelineViewStore.getState().setScroll(pxToMs(scroller.current.scrollLeft, useTimelineViewStore.getState().pixelsPerSecond));
    });
  };

  if (loading && !view) return <p className="muted">Loading the timeline…</p>;
  if (!view) return error ? <ErrorNotice error={error} title="The timeline could not be loaded." testId="timeline-error" /> : null;

  const viewToMs = scrollMs + pxToMs(width, pixelsPerSecond);
  const margin = pxToMs(width, pixelsPerSecond);
  const contentWidth = Math.max(width, msToPx(durationMs, pixelsPerSecond));
  const index = selected ? cues.indexOf(selected) : -1;
  const staleCount = cues.filter((cue) => cue.stale).length;
  const status = rendering ? 'Rendering…' : staleCount > 0 ? `${staleCount} cue${staleCount === 1 ? '' : 's'} not rendered yet` : 'The dub is up to date';

  return (
    <section className="timeline" role="region" aria-label="Timeline" data-testid="timeline">
      <header className="timeline__header">
        <h2>{job ? fileName(job.input) : 'Timeline'}</h2>
        <a className="button button--quiet" href={`#/jobs/${encodeURIComponent(jobId)}`} data-testid="timeline-close">
          Back to the job
        </a>
      </header>
      <TimelinePlayer jobId={jobId} mixVersion={view.mixVersion} />
      <div className="timeline__toolbar" role="toolbar" aria-label="Timeline tools">
        <button type="button" className="button" data-testid="timeline-undo" disabled={!canUndo || saving} onClick={() => void useCuesStore.getState().undo(api)} aria-keyshortcuts="Control+Z">
          Undo
        </button>
        <button type="button" className="button" data-testid="timeline-redo" disabled={!canRedo || saving} onClick={() => void useCuesStore.getState().redo(api)} aria-keyshortcuts="Control+Shift+Z Control+Y">
          Redo
        </button>
        <button type="button" className="button" data-testid="timeline-zoom-out" onClick={() => zoom(-1)} aria-keyshortcuts="-">
          Zoom out
        </button>
        <button type="button" className="button" data-testid="timeline-zoom-in" onClick={() => zoom(1)} aria-keyshortcuts="+">
          Zoom in
        </button>
        <button type="button" className="button" data-testid="timeline-insert" disabled={saving} onClick={() => void insertAt(useTimelineViewStore.getState().playheadMs)}>
          Insert at playhead
        </button>
        <button type="button" className="button button--primary" data-testid="timeline-render" disabled={rendering} onClick={() => void render()}>
          Render
        </button>
        <label className="timeline__auto">
          <input type="checkbox" checked={autoRender} data-testid="timeline-auto-render" onChange={(event) => setAutoRender(event.target.checked)} /> Render after each edit
        </label>
        <span className="timeline__status" role="status" data-testid="timeline-status">
          {status}
        </span>
      </div>
      {notice ? (
        <div className="timeline__notice" role="alert" data-testid="timeline-conflict">
          <p>{notice}</p>
          <button type="button" className="button" onClick={() => useCuesStore.getState().dismiss()}>
            Dismiss
          </button>
        </div>
      ) : null}
      {error ? <ErrorNotice error={error} title="That edit was not made." testId="timeline-edit-error" /> : null}
      {renderError ? <p className="timeline__problem" role="alert">{renderError}</p> : null}
      <div className="timeline__lanes" ref={scroller} onScroll={onScroll} onWheel={onWheel} data-testid="timeline-lanes" data-pixels-per-second={pixelsPerSecond.toFixed(3)}>
        <div className="timeline__content" style={{ width: contentWidth }}>
          <div className="timeline__ruler" data-testid="timeline-ruler" onClick={(event) => seekAt(event.clientX)} aria-hidden="true">
            {rulerTicks(scrollMs - margin, viewToMs + margin, pixelsPerSecond).map((tick) => (
              <span key={tick.ms} className={`timeline__tick${tick.major ? ' timeline__tick--major' : ''}`} style={{ left: msToPx(tick.ms, pixelsPerSecond) }}>
                {tick.major ? formatCueTime(tick.ms).replace(/\.000$/, '') : ''}
              </span>
            ))}
          </div>
          {lanes.map((lane) =>
            lane.kind === 'wave' && lane.track === 'background' && !view.backgroundPeaksVersion ? null : lane.kind === 'lipsync' ? (
              <LipSyncLane key={lane.id} label={lane.label} pixelsPerSecond={pixelsPerSecond} viewFromMs={scrollMs - margin} viewToMs={viewToMs + margin} durationMs={durationMs} fps={view.fps} />
            ) : lane.kind === 'wave' ? (
              <WaveformLane key={lane.id} jobId={jobId} track={lane.track} label={lane.label} durationMs={durationMs} pixelsPerSecond={pixelsPerSecond} scrollMs={scrollMs} width={width} version={lane.track === 'background' ? (view.backgroundPeaksVersion ?? '') : 'original'} />
            ) : (
              <div key={lane.id} className={`timeline__stack timeline__stack--${lane.kind}`}>
                {lane.kind === 'dub' ? (
                  <WaveformLane jobId={jobId} track="dub" label="Dub" showLabel={false} durationMs={durationMs} pixelsPerSecond={pixelsPerSecond} scrollMs={scrollMs} width={width} version={view.dubPeaksVersion ?? lastDubPeaks.current} />
                ) : null}
                <CueLane
                  kind={lane.kind === 'dub' ? 'dub' : 'source'}
                  label={lane.label}
                  cues={cues}
                  pixelsPerSecond={pixelsPerSecond}
                  viewFromMs={scrollMs - margin}
                  viewToMs={viewToMs + margin}
                  durationMs={durationMs}
                  fps={view.fps}
                  selectedId={selectedId}
                  speakerColours={colours}
                  onSelect={selectCue}
                  onRetime={retime}
                />
              </div>
            ),
          )}
          <Playhead pixelsPerSecond={pixelsPerSecond} />
        </div>
      </div>
      {selected ? (
        <CueEditor
          cue={selected}
          durationMs={durationMs}
          hasNext={index >= 0 && index < cues.length - 1}
          busy={saving}
          speakers={speakerNames}
          onEdit={(edits, committed) => void edit(edits, (next) => (edits[0]?.op === 'delete' ? (next[Math.min(index, next.length - 1)]?.id ?? null) : selected.id), committed)}
          onPlay={(track) => useTimelineViewStore.getState().ask({ kind: 'play-range', fromMs: selected.startMs, toMs: selected.endMs, track })}
          onRender={() => void render()}
        />
      ) : (
        <p className="muted timeline__hint">Select a cue (click it, or press → or X) to edit it.</p>
      )}
      <SpeakersPanel jobId={jobId} speakers={speakers ?? []} voiceChoices={view.voiceChoices ?? []} colours={colours} rendering={rendering} />
      <LipSyncPanel jobId={jobId} durationMs={durationMs} fps={view.fps} dubVersion={view.dubPeaksVersion ?? lastDubPeaks.current} rendering={rendering} />
    </section>
  );

  function seekAt(clientX: number) {
    const element = scroller.current;
    if (!element) return;
    const box = element.getBoundingClientRect();
    useTimelineViewStore.getState().ask({ kind: 'seek', ms: Math.max(0, Math.min(durationMs, pxToMs(element.scrollLeft + clientX - box.left, pixelsPerSecond))) });
  }

  async function insertAt(ms: number) {
    const startMs = Math.min(Math.max(0, ms), Math.max(0, durationMs - 1000));
    await edit([{ op: 'insert', startMs, endMs: Math.min(durationMs, startMs + 1000), targetText: 'New line' }], (next) => next.find((cue) => cue.startMs === startMs && cue.targetText === 'New line')?.id ?? null);
    useUiStore.getState().pushToast({ kind: 'info', text: 'Inserted a line at the playhead; write its translation in the editor.' });
  }
}
