// One lip-sync segment's editor (Enter on its block, or a double click): its start and end, its
// audio (the dub or an added file) with the crop handles on that audio's waveform, "fit", the two
// ways to make the lengths match, and the rules it breaks as it stands. Every change goes to the
// draft at once (Enter or leaving a field takes a typed time); the draft reaches the core only when
// the person applies it. Escape closes the editor and returns to the segment's block.
import { useEffect, useState, type KeyboardEvent } from 'react';
import { dubAudioRefId, type AudioRefSummary, type LipSyncSegment, type LipSyncViolation } from '../../../src-main/shared/lipsync.js';
import { formatCueTime } from '../../common/format.js';
import { useLipSyncStore } from '../../stores/lipsync-store.js';
import { useTimelineViewStore } from '../../stores/timeline-view-store.js';
import { LipSyncCrop } from './lipsync-crop.js';
import { focusSegment } from './lipsync-lane.js';
import { audioLengths, audioName, cropOf, cropToSegmentLength, endToAudioLength, followsSegment, formatLength, parseTime, snapToFrame, violationText, withAudio, withTimes, type LaneMedia } from './lipsync-math.js';

export interface LipSyncEditorProps {
  jobId: string;
  /** The segment as shown (a drag of it in progress included). */
  segment: LipSyncSegment;
  segments: readonly LipSyncSegment[];
  files: readonly AudioRefSummary[];
  media: LaneMedia;
  problems: readonly LipSyncViolation[];
  dubVersion: string;
}

/** A time field that takes what was typed on Enter or on leaving it, and shows the segment's value otherwise. */
function TimeField({ label, valueMs, testId, invalid, onTime }: { label: string; valueMs: number; testId: string; invalid: boolean; onTime(ms: number): void }) {
  const [text, setText] = useState(formatCueTime(valueMs));
  useEffect(() => setText(formatCueTime(valueMs)), [valueMs]);
  const parsed = parseTime(text);
  const take = () => {
    if (parsed !== null && parsed !== valueMs) onTime(parsed);
    else if (parsed === null) setText(formatCueTime(valueMs));
  };
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <input
        value={text}
        inputMode="decimal"
        data-testid={testId}
        aria-invalid={parsed === null || invalid}
        onChange={(event) => setText(event.target.value)}
        onBlur={take}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            take();
          }
        }}
      />
    </label>
  );
}

/** The segment without "fit" (left out rather than false, so an unchanged plan compares equal). */
function withoutFit(segment: LipSyncSegment): LipSyncSegment {
  const { fit: _fit, ...rest } = segment;
  return rest;
}

export function LipSyncEditor({ jobId, segment, segments, files, media, problems, dubVersion }: LipSyncEditorProps) {
  const lengths = audioLengths(files, media);
  const audioLength = lengths[segment.audio.refId];
  const crop = audioLength === undefined ? null : cropOf(segment, audioLength);
  const store = () => useLipSyncStore.getState();
  const put = (next: LipSyncSegment | null) => next && store().put(next);
  const broken = (rule: LipSyncViolation['rule']) => problems.some((problem) => problem.rule === rule);
  const lengthFix = audioLength === undefined ? null : endToAudioLength(segment, audioLength, segments, media);
  const cropFix = audioLength === undefined ? null : cropToSegmentLength(segment, audioLength);
  const known = audioLength !== undefined;

  const close = () => {
    store().edit(null);
    focusSegment(segment.id);
  };

  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  };

  return (
    <form className="lipsync-editor" aria-label={`Lip-sync segment “${segment.id}”`} data-testid="lipsync-editor" onSubmit={(event) => event.preventDefault()} onKeyDown={onKey}>
      <h3 className="lipsync-editor__title">
        Lip-sync segment “{segment.id}”{followsSegment(segment) ? <span className="tag">the dub at these times</span> : null}
        {segment.fit ? <span className="tag">fitted</span> : null}
      </h3>
      <div className="lipsync-editor__row">
        <TimeField label="Start" valueMs={segment.startMs} testId="lipsync-start" invalid={broken('start-before-end') || broken('no-overlap')} onTime={(ms) => put(withTimes(segment, snapToFrame(ms, media.fps), segment.endMs))} />
        <TimeField label="End" valueMs={segment.endMs} testId="lipsync-end" invalid={broken('start-before-end') || broken('inside-video') || broken('no-overlap')} onTime={(ms) => put(withTimes(segment, segment.startMs, snapToFrame(ms, media.fps)))} />
        <label className="field">
          <span className="field__label">Audio</span>
          <select value={segment.audio.refId} data-testid="lipsync-audio" aria-invalid={broken('known-audio')} onChange={(event) => put(withAudio(segment, event.target.value, lengths))}>
            <option value={dubAudioRefId}>The dub</option>
            {files.map((file) => (
              <option key={file.id} value={file.id}>
                {file.name} ({formatLength(file.durationMs)})
              </option>
            ))}
            {known ? null : <option value={segment.audio.refId}>{audioName(segment.audio.refId, files)}</option>}
          </select>
        </label>
        <label className="lipsync-editor__fit">
          <input type="checkbox" checked={segment.fit === true} data-testid="lipsync-fit" onChange={(event) => put(event.target.checked ? { ...segment, fit: true } : withoutFit(segment))} /> Fit the audio to the segment (speed it up or slow it down)
        </label>
      </div>
      {known && crop ? (
        <>
          <LipSyncCrop jobId={jobId} segment={segment} audioLengthMs={audioLength} fps={media.fps} dubVersion={dubVersion} />
          <div className="lipsync-editor__row">
            <TimeField label="Crop start" valueMs={crop.startMs} testId="lipsync-crop-start-field" invalid={broken('crop-start-before-end')} onTime={(ms) => put({ ...segment, audio: { ...segment.audio, cropStartMs: ms, cropEndMs: crop.endMs } })} />
            <TimeField label="Crop end" valueMs={crop.endMs} testId="lipsync-crop-end-field" invalid={broken('crop-start-before-end') || broken('crop-inside-audio')} onTime={(ms) => put({ ...segment, audio: { ...segment.audio, cropStartMs: crop.startMs, cropEndMs: ms } })} />
            <p className="lipsync-editor__lengths" data-testid="lipsync-lengths">
              The segment lasts {formatLength(segment.endMs - segment.startMs)}; its audio {formatLength(crop.endMs - crop.startMs)}
              {segment.fit ? ', fitted to the segment' : ''}.
            </p>
          </div>
        </>
      ) : null}
      {problems.length > 0 ? (
        <ul className="lipsync-editor__problems" role="status" data-testid="lipsync-editor-problems">
          {problems.map((problem, index) => (
            <li key={index}>{violationText(problem)}</li>
          ))}
        </ul>
      ) : (
        <p className="muted lipsync-editor__ok" role="status">
          This segment keeps every rule.
        </p>
      )}
      <div className="action-bar" role="group" aria-label="Lip-sync segment actions">
        <button type="button" className="button" data-testid="lipsync-match-end" disabled={!lengthFix} onClick={() => put(lengthFix)}>
          Make the segment as long as its audio
        </button>
        <button type="button" className="button" data-testid="lipsync-match-crop" disabled={!cropFix} onClick={() => put(cropFix)}>
          Crop the audio to the segment’s length
        </button>
        <button type="button" className="button" data-testid="lipsync-play" onClick={() => useTimelineViewStore.getState().ask({ kind: 'play-range', fromMs: segment.startMs, toMs: segment.endMs, track: useTimelineViewStore.getState().heard })}>
          Play the segment <kbd>S</kbd>
        </button>
        <button type="button" className="button" data-testid="lipsync-delete" onClick={() => store().remove(segment.id)}>
          Delete segment <kbd>Delete</kbd>
        </button>
        <button type="button" className="button" data-testid="lipsync-close" onClick={close}>
          Close <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}
