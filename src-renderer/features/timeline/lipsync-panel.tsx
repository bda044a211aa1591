// Under the lanes, the lip-sync plan's controls: how many segments of the job's limit are used,
// whether the draft differs from what the core has, every rule the draft breaks (each naming its
// segment and the rule, a click away from that segment), adding a segment at the playhead for
// those who do not drag, applying the draft (which re-renders the job) or putting it back, and the
// open segment's editor. Apply stays off while any rule is broken: nothing broken is ever sent.
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { ErrorNotice } from '../../common/error-notice.js';
import { isShortcutTarget } from '../../common/media/shortcut.js';
import { useJobsStore } from '../../stores/jobs-store.js';
import { limitNotice, sameSegments, useLipSyncStore } from '../../stores/lipsync-store.js';
import { useTimelineViewStore } from '../../stores/timeline-view-store.js';
import { lipSyncIo } from './lipsync-audio.js';
import { LipSyncEditor } from './lipsync-editor.js';
import { focusSegment } from './lipsync-lane.js';
import { canAddSegment, liveViolations, segmentAtPlayhead, violationsBySegment, violationText, withPreview, type LaneMedia } from './lipsync-math.js';

export interface LipSyncPanelProps {
  jobId: string;
  durationMs: number;
  fps: number;
  /** The dub's peaks version: the crop waveform of the dub is read again when it changes. */
  dubVersion: string;
  rendering: boolean;
}

export function LipSyncPanel({ jobId, durationMs, fps, dubVersion, rendering }: LipSyncPanelProps) {
  const plan = useLipSyncStore((state) => state.plan);
  const segments = useLipSyncStore((state) => state.segments);
  const preview = useLipSyncStore((state) => state.preview);
  const editingId = useLipSyncStore((state) => state.editingId);
  const saving = useLipSyncStore((state) => state.saving);
  const error = useLipSyncStore((state) => state.error);
  const refused = useLipSyncStore((state) => state.refused);
  const notice = useLipSyncStore((state) => state.notice);
  const canUndo = useLipSyncStore((state) => state.past.length > 0);
  const canRedo = useLipSyncStore((state) => state.future.length > 0);
  const media: LaneMedia = useMemo(() => ({ durationMs, fps }), [durationMs, fps]);
  const files = useMemo(() => plan?.audio ?? [], [plan]);
  const maxSegments = plan?.maxSegments ?? 0;

  useEffect(() => {
    void useLipSyncStore.getState().open(lipSyncIo, jobId);
  }, [jobId]);

  // A render finished: the core may have a newer plan (another window, a script); a clean draft follows it.
  const wasRendering = useRef(rendering);
  useEffect(() => {
    if (wasRendering.current && !rendering) void useLipSyncStore.getState().reload(lipSyncIo);
    wasRendering.current = rendering;
  }, [rendering]);

  // An editor opened (Enter on a block, a double click) takes the focus at its first field.
  useEffect(() => {
    if (editingId) requestAnimationFrame(() => document.querySelector<HTMLInputElement>('[data-testid=lipsync-start]')?.focus());
  }, [editingId]);

  const shown = useMemo(() => withPreview(segments, preview), [segments, preview]);
  const violations = useMemo(() => liveViolations(shown, media, files, maxSegments), [shown, media, files, maxSegments]);
  // What Apply would send is the draft without the drag in progress.
  const draftViolations = useMemo(() => (preview ? liveViolations(segments, media, files, maxSegments) : violations), [preview, segments, media, files, maxSegments, violations]);
  const grouped = useMemo(() => violationsBySegment(violations, shown), [violations, shown]);

  if (!plan) return error ? <ErrorNotice error={error} title="The job’s lip-sync plan could not be read." testId="lipsync-error" /> : null;

  const dirty = !sameSegments(segments, plan.segments);
  const editing = shown.find((segment) => segment.id === editingId) ?? null;
  const store = () => useLipSyncStore.getState();
  const full = !canAddSegment(segments, maxSegments);

  const addAtPlayhead = () => {
    if (full) return store().say(limitNotice(maxSegments));
    const segment = segmentAtPlayhead(segments, useTimelineViewStore.getState().playheadMs, media);
    if (!segment) return store().say('There is no room for a segment at the playhead: it is inside a segment, or right against one. Move the playhead to an empty stretch of the lane.');
    if (store().add(segment)) focusSegment(segment.id);
  };

  const apply = async () => {
    const job = await store().save(lipSyncIo, draftViolations);
    if (job) useJobsStore.getState().mergeJobs([job]);
  };

  const show = (id: string) => {
    store().select(id);
    useTimelineViewStore.getState().ask({ kind: 'seek', ms: segments.find((segment) => segment.id === id)?.startMs ?? 0 });
    focusSegment(id);
  };

  // Undo and redo of the lane's edits while the focus is here (not in a text field, which has its own).
  const onKey = (event: KeyboardEvent) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || !isShortcutTarget(event.target)) return;
    const key = event.key.toLowerCase();
    if (key === 'z' || key === 'y') {
      event.preventDefault();
      event.stopPropagation();
      if (key === 'z' && !event.shiftKey) store().undo();
      else store().redo();
    }
  };

  const count = violations.length;
  const status = `${segments.length} of ${maxSegments} lip-sync segment${maxSegments === 1 ? '' : 's'}; ${count > 0 ? `${count} rule${count === 1 ? '' : 's'} broken` : 'every rule kept'}; ${saving ? 'applying…' : dirty ? 'changes not applied yet' : 'as the job has them'}`;

  return (
    <section className="lipsync-panel" aria-label="Lip-sync" data-testid="lipsync-panel" onKeyDown={onKey}>
      <div className="timeline__toolbar" role="toolbar" aria-label="Lip-sync tools">
        <button type="button" className="button" data-testid="lipsync-add" disabled={full} title={full ? limitNotice(maxSegments) : undefined} onClick={addAtPlayhead}>
          Add lip-sync segment at playhead
        </button>
        <button type="button" className="button" data-testid="lipsync-undo" disabled={!canUndo} onClick={() => store().undo()}>
          Undo lip-sync edit
        </button>
        <button type="button" className="button" data-testid="lipsync-redo" disabled={!canRedo} onClick={() => store().redo()}>
          Redo lip-sync edit
        </button>
        <button type="button" className="button" data-testid="lipsync-revert" disabled={!dirty || saving} onClick={() => store().revert()}>
          Put back the job’s plan
        </button>
        <button type="button" className="button button--primary" data-testid="lipsync-apply" disabled={!dirty || saving || draftViolations.length > 0} onClick={() => void apply()}>
          Apply lip-sync and render
        </button>
        <span className="timeline__status" role="status" data-testid="lipsync-status">
          {status}
        </span>
      </div>
      {notice ? (
        <p className="lipsync-panel__notice" role="status" data-testid="lipsync-notice">
          {notice}
        </p>
      ) : null}
      {count > 0 ? (
        <div className="lipsync-panel__problems" data-testid="lipsync-problems">
          <p className="lipsync-panel__problems-title">Not sent until these are fixed:</p>
          <ul>
            {violations.map((violation, index) => (
              <li key={index} data-testid="lipsync-problem" data-segment-id={violation.segmentId} data-rule={violation.rule}>
                {grouped.has(violation.segmentId) && segments.some((segment) => segment.id === violation.segmentId) ? (
                  <button type="button" className="lipsync-panel__link" onClick={() => show(violation.segmentId)}>
                    {violationText(violation)}
                  </button>
                ) : (
                  violationText(violation)
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {error ? <ErrorNotice error={error} title="The lip-sync plan was not applied." testId="lipsync-error" /> : null}
      {refused.length > 0 ? (
        <ul className="lipsync-panel__problems" data-testid="lipsync-refused">
          {refused.map((violation, index) => (
            <li key={index} data-segment-id={violation.segmentId} data-rule={violation.rule}>
              {violationText(violation)}
            </li>
          ))}
        </ul>
      ) : null}
      {editing ? <LipSyncEditor jobId={jobId} segment={editing} segments={segments} files={files} media={media} problems={grouped.get(editing.id) ?? []} dubVersion={dubVersion} /> : null}
    </section>
  );
}
