// Owns what the front door does with a job's speakers: which speakers its cues name and the voice
// each speaks with (a person's pick, else the job's next default voice), and replacing the picks,
// which queues the job again so that only the cues of a speaker whose voice changed are spoken
// again (every cue's speech is an item keyed by its voice and text).
import type { SpeakerView, SpeakerVoicesRequest } from '../../shared/cues.js';
import type { CueRecord } from '../../shared/jobs.js';
import { readJobOptions, type DubJobOptions } from '../pipeline/dub-options.js';
import type { InstalledModels } from '../pipeline/model-choice.js';
import { assignVoices, speakersOf, voiceName, withInstalledPool } from '../pipeline/speaker-voices.js';
import { chooseSpeechEngine, type VoiceCheck } from '../pipeline/speech-choice.js';
import type { JobRow } from '../queue/job-queue.js';
import type { RedubCore } from '../redub-core.js';
import { changeAndRequeue } from './change-and-requeue.js';

type Core = Pick<RedubCore, 'store'>;

/** The job's speakers as its cues name them now, with their voices, and the voices it offers. */
export function speakersView(core: Core, job: Pick<JobRow, 'id' | 'options'>, cues: readonly Pick<CueRecord, 'speaker'>[]): { speakers: SpeakerView[]; voiceChoices: string[] } {
  const options = currentOptions(core, job);
  const counts = new Map<string, number>();
  for (const cue of cues) if (cue.speaker) counts.set(cue.speaker, (counts.get(cue.speaker) ?? 0) + 1);
  const speakers = [...assignVoices(speakersOf(cues), withInstalledPool(options))].map(([id, choice]) => ({
    id, voice: voiceName(choice, options.language), picked: id in options.speakerVoices, cues: counts.get(id) ?? 0,
  }));
  const pool = options.voicePool.length > 0 ? options.voicePool : [options.speech];
  return { speakers, voiceChoices: [...new Set(pool.map((choice) => voiceName(choice, options.language)))] };
}

/**
 * Replaces every speaker's pick (checked as `--voice` is: an eSpeak voice that exists, an installed
 * Piper pack for the language) and queues the job again. A running job is refused (E_JOB_STATE):
 * its synthesis may be reading them.
 */
export async function replaceSpeakerVoices(core: Core, job: JobRow, request: SpeakerVoicesRequest, checkVoice: VoiceCheck, models: () => Promise<InstalledModels>): Promise<JobRow> {
  const check = async () => {
    const options = readJobOptions(job.options);
    const installed = await models();
    const picks: DubJobOptions['speakerVoices'] = {};
    for (const [speaker, value] of Object.entries(request.voices)) picks[speaker] = await chooseSpeechEngine(options.language, value, checkVoice, installed);
    return picks;
  };
  return changeAndRequeue(core.store, job, 'its speakers\' voices', check, (picks) => core.store.speakerVoices.replace(job.id, picks));
}

function currentOptions(core: Core, job: Pick<JobRow, 'id' | 'options'>): DubJobOptions {
  return { ...readJobOptions(job.options), speakerVoices: core.store.speakerVoices.voices(job.id) };
}
