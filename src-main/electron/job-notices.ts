// Decides when a finished job deserves a desktop notification and what it says, free of Electron.
// A job is announced at most once per terminal state it reaches (done, failed): the service sends
// job.updated many times for one state, and a notification per update would be noise. Cancelled
// jobs are not announced; the person cancelled them.
import type { RedubEvent } from '../shared/contract.js';
import type { JobSummary } from '../shared/jobs.js';

export interface JobNotice {
  jobId: string;
  title: string;
  body: string;
}

const announcedStates = ['done', 'failed'] as const;
type AnnouncedState = (typeof announcedStates)[number];

function isAnnounced(state: JobSummary['state']): state is AnnouncedState {
  return (announcedStates as readonly string[]).includes(state);
}

/** The file's name from a path written on any platform. */
function fileName(input: string): string {
  return input.split(/[\\/]/).filter(Boolean).pop() ?? input;
}

export function languageName(code: string): string {
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' }).of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}

export function noticeText(job: JobSummary & { state: AnnouncedState }): JobNotice {
  const what = `${fileName(job.input)} → ${languageName(job.language)}`;
  if (job.state === 'done') return { jobId: job.id, title: 'Dub finished', body: what };
  const reason = job.error?.message ?? 'The job failed.';
  return { jobId: job.id, title: 'Dub failed', body: `${what}\n${reason}` };
}

export class JobNotices {
  private readonly announced = new Map<string, Set<AnnouncedState>>();

  /** The notice this event calls for, or null; remembers what it has announced. */
  noticeFor(event: RedubEvent): JobNotice | null {
    if (event.type === 'job.removed') {
      this.announced.delete(event.id);
      return null;
    }
    if (event.type !== 'job.updated') return null;
    const { job } = event;
    if (!isAnnounced(job.state)) return null;
    const states = this.announced.get(job.id) ?? new Set<AnnouncedState>();
    if (states.has(job.state)) return null;
    states.add(job.state);
    this.announced.set(job.id, states);
    return noticeText({ ...job, state: job.state });
  }
}
