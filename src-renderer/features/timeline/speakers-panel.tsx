// Under the lanes, the job's speakers: each one's colour on the timeline, its name, how many cues
// it says, and the voice it says them with. Changing a voice sends every speaker's pick at once
// (speaker-voices.ts), which queues the job again: only that speaker's cues are spoken again. The
// choices are off while the job renders (the core refuses then), with a sentence saying why.
import { useState } from 'react';
import type { SpeakerView } from '../../../src-main/shared/cues.js';
import type { RedubErrorData } from '../../../src-main/shared/errors.js';
import { api, toApiError } from '../../bridge/index.js';
import { ErrorNotice } from '../../common/error-notice.js';
import { useCuesStore } from '../../stores/cues-store.js';
import { useJobsStore } from '../../stores/jobs-store.js';
import { speakerClass } from './speaker-colours.js';
import { cueCount, defaultVoice, selectedVoice, voiceLabel, voiceOptions, voicesRequest } from './speaker-voices.js';

export interface SpeakersPanelProps {
  jobId: string;
  speakers: readonly SpeakerView[];
  voiceChoices: readonly string[];
  /** Speaker id → colour index, the same map the lanes use. */
  colours: ReadonlyMap<string, number>;
  rendering: boolean;
}

export function SpeakersPanel({ jobId, speakers, voiceChoices, colours, rendering }: SpeakersPanelProps) {
  // The value a select shows while its change is on its way (the view has the old pick until it is read again).
  const [pending, setPending] = useState<{ id: string; voice: string } | null>(null);
  const [error, setError] = useState<RedubErrorData | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const saving = pending !== null;

  if (speakers.length === 0) {
    return (
      <p className="muted speakers-panel__empty" data-testid="speakers-empty">
        No speakers found: every line is spoken with the job’s voice. Name a cue’s speaker in the cue editor to give its lines a voice of their own.
      </p>
    );
  }

  const change = async (speaker: SpeakerView, voice: string) => {
    if (saving || rendering || voice === selectedVoice(speaker)) return;
    setPending({ id: speaker.id, voice });
    setError(null);
    setNotice(null);
    try {
      const job = await api.replaceSpeakerVoices(jobId, voicesRequest(speakers, speaker.id, voice));
      useJobsStore.getState().mergeJobs([job]);
      await useCuesStore.getState().reload(api);
      setNotice(`${speaker.id} now speaks with ${voice === defaultVoice ? 'its default voice' : voiceLabel(voice)}; the job renders its lines again.`);
    } catch (caught) {
      setError(toApiError(caught).data);
    } finally {
      setPending(null);
    }
  };

  return (
    <section className="speakers-panel" aria-labelledby="speakers-title" data-testid="speakers-panel">
      <h3 className="speakers-panel__title" id="speakers-title">
        Speakers
      </h3>
      <p className="muted speakers-panel__note">A speaker left on its default voice keeps the voice in its own place in the job’s list (SPEAKER_2 the second), whatever the others pick.</p>
      {rendering ? (
        <p className="muted speakers-panel__note" id="speakers-busy" data-testid="speakers-busy">
          The job is rendering: its voices can be changed once it is done.
        </p>
      ) : null}
      <ul className="speakers-panel__list">
        {speakers.map((speaker, index) => {
          const value = pending?.id === speaker.id ? pending.voice : selectedVoice(speaker);
          const id = `speaker-voice-${index}`;
          return (
            <li key={speaker.id} className="speakers-panel__speaker" data-testid="speaker-row" data-speaker={speaker.id}>
              <span className={`speakers-panel__swatch${speakerClass(colours, speaker.id, 'speakers-panel__swatch')}`} aria-hidden="true" />
              <span className="speakers-panel__name">{speaker.id}</span>
              <span className="muted speakers-panel__count">{cueCount(speaker.cues)}</span>
              <label className="visually-hidden" htmlFor={id}>
                Voice for {speaker.id}
              </label>
              <select
                id={id}
                value={value}
                data-testid="speaker-voice"
                disabled={rendering || saving}
                aria-describedby={rendering ? 'speakers-busy' : undefined}
                onChange={(event) => void change(speaker, event.target.value)}
              >
                <option value={defaultVoice}>{speaker.picked ? 'Default voice' : `Default voice (${voiceLabel(speaker.voice)})`}</option>
                {voiceOptions(voiceChoices, speaker.voice).map((voice) => (
                  <option key={voice} value={voice}>
                    {voiceLabel(voice)}
                  </option>
                ))}
              </select>
            </li>
          );
        })}
      </ul>
      {/* Always there, so a screen reader hears the sentence when it is filled in. */}
      <p className="speakers-panel__notice" role="status" data-testid="speakers-notice">
        {notice}
      </p>
      {error ? <ErrorNotice error={error} title="The voices were not changed." testId="speakers-error" /> : null}
    </section>
  );
}
