// The selected cue's editor: its source text, its translation, its start and end, how fast it is
// spoken, and the line's actions (play the original or the dubbed line, split at the playhead,
// merge with the next, delete, render). Enter commits the texts (Shift+Enter is a new line),
// Escape puts back what the cue says; every rule is checked before anything is sent. The speaker
// field names who says the line (its voice follows): the job's speakers are offered as it is
// typed, it commits on Enter or on leaving it, and emptied it gives the line back to the speaker
// the subtitles or the audio named.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { cueRuleSentences, cueViolations, minimumCueMs, speakerName, type CueEdit, type CueView } from '../../../src-main/shared/cues.js';
import { formatCueTime } from '../../common/format.js';
import { useTimelineViewStore } from '../../stores/timeline-view-store.js';

export interface CueEditorProps {
  cue: CueView;
  durationMs: number;
  hasNext: boolean;
  busy: boolean;
  /** The job's speakers, offered in the speaker field. */
  speakers: readonly string[];
  /** `committed`: the person pressed Enter or Save on the line's own fields (rendered at once). */
  onEdit(edits: CueEdit[], committed?: boolean): void;
  onPlay(track: 'original' | 'dub'): void;
  onRender(): void;
}

function parseTime(text: string): number | null {
  const match = /^(?:(\d+):)?(\d+)(?:[.,](\d{1,3}))?$/.exec(text.trim());
  if (!match) return null;
  const [, minutes = '0', seconds = '0', fraction = '0'] = match;
  return Number(minutes) * 60_000 + Number(seconds) * 1000 + Number(fraction.padEnd(3, '0'));
}

/** What a speaker field's text sends: a name (trimmed), or null for the automatic speaker. */
export function speakerEdit(text: string): string | null {
  const name = text.trim();
  return name === '' ? null : name;
}

export function CueEditor({ cue, durationMs, hasNext, busy, speakers, onEdit, onPlay, onRender }: CueEditorProps) {
  // Only whether the playhead is inside the cue matters here (the split button), not every frame of it.
  const canSplit = useTimelineViewStore((state) => state.playheadMs > cue.startMs + minimumCueMs && state.playheadMs < cue.endMs - minimumCueMs);
  const [targetText, setTargetText] = useState(cue.targetText);
  const [sourceText, setSourceText] = useState(cue.sourceText);
  const [start, setStart] = useState(formatCueTime(cue.startMs));
  const [end, setEnd] = useState(formatCueTime(cue.endMs));
  const [speaker, setSpeaker] = useState(cue.speaker ?? '');
  // The speaker last sent for this cue: leaving the field after Enter, or Save after leaving it, sends it once.
  const sentSpeaker = useRef<{ id: string; speaker: string | null } | null>(null);

  // Another cue selected, or this one changed in the core: show what it says now.
  useEffect(() => {
    setTargetText(cue.targetText);
    setSourceText(cue.sourceText);
    setStart(formatCueTime(cue.startMs));
    setEnd(formatCueTime(cue.endMs));
  }, [cue.id, cue.targetText, cue.sourceText, cue.startMs, cue.endMs]);

  // Apart from the texts: a speaker stored must not put back a translation still being written.
  useEffect(() => {
    setSpeaker(cue.speaker ?? '');
    sentSpeaker.current = null;
  }, [cue.id, cue.speaker]);

  const startMs = parseTime(start);
  const endMs = parseTime(end);
  const broken = startMs === null || endMs === null ? [] : cueViolations({ startMs, endMs, sourceText, targetText }, { durationMs });
  const timeProblem = startMs === null || endMs === null ? 'Write times as m:ss.mmm.' : null;
  const speakerValue = speakerEdit(speaker);
  const speakerValid = speakerValue === null || speakerName.safeParse(speakerValue).success;
  const speakerProblem = speakerValid ? null : 'A speaker’s name may hold at most 80 characters.';
  const speakerUnsent = speakerValue !== (cue.speaker ?? null) && !(sentSpeaker.current?.id === cue.id && sentSpeaker.current.speaker === speakerValue);
  const problem = timeProblem ?? (broken[0] ? `This cue cannot be kept: ${cueRuleSentences[broken[0]]}.` : speakerProblem);
  const changed = targetText !== cue.targetText || sourceText !== cue.sourceText || startMs !== cue.startMs || endMs !== cue.endMs || speakerValue !== (cue.speaker ?? null);

  const commit = () => {
    if (!changed || problem || startMs === null || endMs === null) return;
    const edit: CueEdit = { op: 'update', id: cue.id };
    if (targetText !== cue.targetText) edit.targetText = targetText;
    if (sourceText !== cue.sourceText) edit.sourceText = sourceText;
    if (startMs !== cue.startMs) edit.startMs = startMs;
    if (endMs !== cue.endMs) edit.endMs = endMs;
    if (speakerUnsent) {
      edit.speaker = speakerValue;
      sentSpeaker.current = { id: cue.id, speaker: speakerValue };
    }
    if (Object.keys(edit).length > 2) onEdit([edit], true);
  };

  // Leaving the speaker field stores the speaker alone: the other fields may still be mid-edit.
  const commitSpeaker = () => {
    if (!speakerUnsent || !speakerValid) return;
    sentSpeaker.current = { id: cue.id, speaker: speakerValue };
    onEdit([{ op: 'update', id: cue.id, speaker: speakerValue }]);
  };

  const cancel = () => {
    setTargetText(cue.targetText);
    setSourceText(cue.sourceText);
    setStart(formatCueTime(cue.startMs));
    setEnd(formatCueTime(cue.endMs));
    setSpeaker(cue.speaker ?? '');
  };

  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      commit();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      cancel();
    }
  };

  return (
    <form className="cue-editor" aria-label={`Cue ${cue.index + 1}`} data-testid="cue-editor" onSubmit={(event) => (event.preventDefault(), commit())} onKeyDown={onKey}>
      <h3 className="cue-editor__title">
        Cue {cue.index + 1}
        {cue.stale ? <span className="tag" data-testid="cue-stale">not rendered yet</span> : null}
        {cue.edited ? <span className="tag">edited</span> : null}
        {cue.overlaps ? <span className="tag">overlaps</span> : null}
      </h3>
      <label className="field">
        <span className="field__label">Source text</span>
        <textarea rows={2} value={sourceText} data-testid="cue-source" onChange={(event) => setSourceText(event.target.value)} />
      </label>
      <label className="field">
        <span className="field__label">Translation</span>
        <textarea rows={2} value={targetText} data-testid="cue-translation" aria-invalid={broken.includes('text-required') || broken.includes('text-length')} onChange={(event) => setTargetText(event.target.value)} />
      </label>
      <div className="cue-editor__times">
        <label className="field">
          <span className="field__label">Start</span>
          <input value={start} data-testid="cue-start" inputMode="decimal" aria-invalid={startMs === null} onChange={(event) => setStart(event.target.value)} />
        </label>
        <label className="field">
          <span className="field__label">End</span>
          <input value={end} data-testid="cue-end" inputMode="decimal" aria-invalid={endMs === null} onChange={(event) => setEnd(event.target.value)} />
        </label>
        <label className="field">
          <span className="field__label">Speaker</span>
          <input
            value={speaker}
            list="cue-speaker-names"
            data-testid="cue-speaker"
            autoComplete="off"
            placeholder="Automatic"
            aria-describedby="cue-speaker-hint"
            aria-invalid={!speakerValid}
            onChange={(event) => setSpeaker(event.target.value)}
            onBlur={commitSpeaker}
          />
        </label>
        <datalist id="cue-speaker-names">
          {speakers.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <p className="cue-editor__speed" data-testid="cue-speed">
          {cue.speedFactor === null ? 'Speed: after the next render' : `Spoken at ${cue.speedFactor.toFixed(2)}×${cue.flag === 'overflow' ? ' — too long for its slot; shorten the line' : ''}`}
        </p>
      </div>
      <p className="muted cue-editor__hint" id="cue-speaker-hint">
        Speaker: who says the line; its voice follows. Pick one of the job’s speakers or type a new name; leave it empty for the one the subtitles or the audio named.
      </p>
      {problem ? (
        <p className="cue-editor__problem" role="alert" data-testid="cue-problem">
          {problem}
        </p>
      ) : null}
      <div className="action-bar" role="group" aria-label="Cue actions">
        <button type="submit" className="button button--primary" data-testid="cue-commit" disabled={!changed || problem !== null || busy}>
          Save <kbd>Enter</kbd>
        </button>
        <button type="button" className="button" data-testid="cue-cancel" disabled={!changed} onClick={cancel}>
          Cancel <kbd>Esc</kbd>
        </button>
        <button type="button" className="button" data-testid="cue-play-original" onClick={() => onPlay('original')}>
          Play original line
        </button>
        <button type="button" className="button" data-testid="cue-play-dub" onClick={() => onPlay('dub')}>
          Play dubbed line <kbd>S</kbd>
        </button>
        <button type="button" className="button" data-testid="cue-split" disabled={!canSplit || busy} onClick={() => onEdit([{ op: 'split', id: cue.id, atMs: useTimelineViewStore.getState().playheadMs }])}>
          Split at playhead
        </button>
        <button type="button" className="button" data-testid="cue-merge" disabled={!hasNext || busy} onClick={() => onEdit([{ op: 'merge', id: cue.id }])}>
          Merge with next
        </button>
        <button type="button" className="button" data-testid="cue-delete" disabled={busy} onClick={() => onEdit([{ op: 'delete', id: cue.id }])}>
          Delete
        </button>
        <button type="button" className="button" data-testid="cue-regenerate" disabled={busy} onClick={onRender}>
          Regenerate
        </button>
      </div>
    </form>
  );
}
