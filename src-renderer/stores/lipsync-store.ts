// The open timeline's lip-sync plan: the segments as the core has them (JobDetails.lipsync), the
// person's draft of them, undo and redo over the draft, the drag in progress (so every rule is
// checked while it moves), and the added audio files' waveforms once decoded. Nothing goes to the
// core until the person applies the draft (replaceLipSync re-renders the job), and never
// while the shared validator finds a violation: that is named, with its segment and rule, first.
import { create } from 'zustand';
import type { RedubApi } from '../../src-main/shared/contract.js';
import { RedubError, type RedubErrorData } from '../../src-main/shared/errors.js';
import type { JobDetails } from '../../src-main/shared/jobs.js';
import { defaultMaxLipSyncSegments, type LipSyncPlan, type LipSyncRule, type LipSyncSegment, type LipSyncViolation } from '../../src-main/shared/lipsync.js';
import { apiErrorFromResponse, RedubApiError, unreachableError } from '../../src-main/shared/client/api-error.js';
import type { FetchFunction } from '../../src-main/shared/client/request.js';
import { toApiError } from '../bridge/api-error.js';

/** JobDetails as the core sends it once lip-sync plans are served; older cores leave `lipsync` out. */
export type JobDetailsWithLipSync = JobDetails & { lipsync?: LipSyncPlan };

/** An added audio file's waveform: min and max per bucket (−1…1), over the whole file. */
export interface AudioPeaks {
  durationMs: number;
  /** `buckets` pairs of min and max. */
  peaks: Float32Array;
  buckets: number;
}

export type AudioEntry = { state: 'loading' } | { state: 'ready'; peaks: AudioPeaks } | { state: 'failed'; error: RedubErrorData };

/** The outcome of applying a plan: the job as it now is, or the core's refusal with each violation it found. */
export type SaveOutcome = { ok: true; job: JobDetailsWithLipSync } | { ok: false; error: RedubErrorData; violations: LipSyncViolation[] };

/** How the store reaches the core: through the bridge (createLipSyncIo); unit tests pass a fake. */
export interface LipSyncIo {
  getJob(jobId: string): Promise<JobDetailsWithLipSync>;
  saveLipSync(jobId: string, segments: LipSyncSegment[]): Promise<SaveOutcome>;
  audioPeaks(jobId: string, refId: string, signal: AbortSignal): Promise<AudioPeaks>;
}

export interface LipSyncState {
  jobId: string | null;
  /** The plan as the core last reported it; null until the job is read. */
  plan: LipSyncPlan | null;
  /** What the lane shows and edits, in start order. */
  segments: LipSyncSegment[];
  /** The segment being dragged or drawn, in its new place; null between drags. */
  preview: LipSyncSegment | null;
  selectedId: string | null;
  /** The segment whose editor is open. */
  editingId: string | null;
  past: LipSyncSegment[][];
  future: LipSyncSegment[][];
  loading: boolean;
  saving: boolean;
  /** The core's last refusal (or a failure to reach it). */
  error: RedubErrorData | null;
  /** The violations the core named when it refused the draft, until the draft changes. */
  refused: LipSyncViolation[];
  /** A sentence for the person: the limit reached, the draft applied. */
  notice: string | null;
  audio: Record<string, AudioEntry>;
  open(io: LipSyncIo, jobId: string): Promise<void>;
  /** Reads the plan again; a draft with changes is kept (the person's work is never dropped unasked). */
  reload(io: LipSyncIo): Promise<void>;
  setPreview(segment: LipSyncSegment | null): void;
  /** Replaces one segment (or adds it); one undo step. */
  put(segment: LipSyncSegment): void;
  /** Adds a segment unless the job's limit is reached; says so then. */
  add(segment: LipSyncSegment): boolean;
  remove(id: string): void;
  select(id: string | null): void;
  edit(id: string | null): void;
  undo(): void;
  redo(): void;
  revert(): void;
  /** Sends the draft, unless `violations` (the live check's) name any; the job as the core now has it once it took the plan, else null. */
  save(io: LipSyncIo, violations: readonly LipSyncViolation[]): Promise<JobDetailsWithLipSync | null>;
  loadAudio(io: LipSyncIo, refId: string): void;
  say(notice: string | null): void;
}

const emptyPlan = (): LipSyncPlan => ({ segments: [], audio: [], maxSegments: defaultMaxLipSyncSegments });

const sorted = (segments: readonly LipSyncSegment[]) => [...segments].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);

/** A segment as a comparable value: field order, and an absent "fit" against false, make no difference. */
const canonical = (segment: LipSyncSegment) => [segment.id, segment.startMs, segment.endMs, segment.audio.refId, segment.audio.cropStartMs ?? null, segment.audio.cropEndMs ?? null, segment.fit === true];

/** Whether the draft says what the core has: the same segments with the same fields. */
export function sameSegments(a: readonly LipSyncSegment[], b: readonly LipSyncSegment[]): boolean {
  return JSON.stringify(sorted(a).map(canonical)) === JSON.stringify(sorted(b).map(canonical));
}

/** How many draft states undo keeps: a drag is one, so this is a long afternoon's worth. */
const historyLimit = 200;

export function limitNotice(maxSegments: number): string {
  return `This job allows at most ${maxSegments} lip-sync segment${maxSegments === 1 ? '' : 's'}; delete one before drawing another.`;
}

export const useLipSyncStore = create<LipSyncState>()((set, get) => {
  let audioLoads = new AbortController();

  /** One undoable change of the draft; the core's earlier refusal no longer describes it. */
  const change = (segments: LipSyncSegment[], extra: Partial<LipSyncState> = {}) =>
    set((state) => ({ segments: sorted(segments), past: [...state.past.slice(-historyLimit + 1), state.segments], future: [], preview: null, refused: [], notice: null, ...extra }));

  return {
    jobId: null,
    plan: null,
    segments: [],
    preview: null,
    selectedId: null,
    editingId: null,
    past: [],
    future: [],
    loading: false,
    saving: false,
    error: null,
    refused: [],
    notice: null,
    audio: {},
    async open(io, jobId) {
      audioLoads.abort();
      audioLoads = new AbortController();
      set({ jobId, plan: null, segments: [], preview: null, selectedId: null, editingId: null, past: [], future: [], loading: true, saving: false, error: null, refused: [], notice: null, audio: {} });
      await get().reload(io);
    },
    async reload(io) {
      const { jobId } = get();
      if (!jobId) return;
      try {
        const job = await io.getJob(jobId);
        if (get().jobId !== jobId) return;
        const plan = job.lipsync ?? emptyPlan();
        const { plan: before, segments } = get();
        const dirty = before !== null && !sameSegments(segments, before.segments);
        set(dirty ? { plan, loading: false } : { plan, segments: sorted(plan.segments), loading: false });
      } catch (caught) {
        if (get().jobId === jobId) set({ loading: false, error: toApiError(caught).data });
      }
    },
    setPreview: (preview) => set({ preview }),
    put(segment) {
      const { segments } = get();
      const exists = segments.some((each) => each.id === segment.id);
      change(exists ? segments.map((each) => (each.id === segment.id ? segment : each)) : [...segments, segment]);
    },
    add(segment) {
      const { segments, plan } = get();
      const max = plan?.maxSegments ?? defaultMaxLipSyncSegments;
      if (segments.length >= max) {
        set({ preview: null, notice: limitNotice(max) });
        return false;
      }
      change([...segments, segment], { selectedId: segment.id });
      return true;
    },
    remove(id) {
      const { segments, selectedId, editingId } = get();
      const at = segments.findIndex((segment) => segment.id === id);
      if (at < 0) return;
      const rest = segments.filter((segment) => segment.id !== id);
      // The selection moves to the neighbour, as a deleted cue's does, so the keyboard stays in the lane.
      const neighbour = rest[Math.min(at, rest.length - 1)]?.id ?? null;
      change(rest, { selectedId: selectedId === id ? neighbour : selectedId, editingId: editingId === id ? null : editingId });
    },
    select: (selectedId) => set({ selectedId }),
    edit: (editingId) => set(editingId ? { editingId, selectedId: editingId } : { editingId }),
    undo() {
      const { past, segments, future } = get();
      const previous = past.at(-1);
      if (!previous) return;
      set({ segments: previous, past: past.slice(0, -1), future: [...future, segments], preview: null, refused: [], notice: null });
    },
    redo() {
      const { past, segments, future } = get();
      const next = future.at(-1);
      if (!next) return;
      set({ segments: next, future: future.slice(0, -1), past: [...past, segments], preview: null, refused: [], notice: null });
    },
    revert() {
      const { plan } = get();
      if (plan) change(plan.segments, { editingId: null });
    },
    async save(io, violations) {
      const { jobId, segments, saving } = get();
      if (!jobId || saving) return null;
      if (violations.length > 0) {
        set({ notice: `Nothing was sent: ${violations.length === 1 ? 'a segment breaks a rule' : `${violations.length} rules are broken`}. Fix what is listed, then apply again.` });
        return null;
      }
      set({ saving: true, error: null, refused: [], notice: null });
      try {
        const outcome = await io.saveLipSync(jobId, segments);
        if (get().jobId !== jobId) return null;
        if (!outcome.ok) {
          set({ saving: false, error: outcome.error, refused: outcome.violations });
          return null;
        }
        const plan = outcome.job.lipsync ?? { ...(get().plan ?? emptyPlan()), segments };
        const sent = get().segments === segments;
        // Edits made while the request was out stay as the draft; otherwise the core's plan is it.
        set({ saving: false, plan, ...(sent ? { segments: sorted(plan.segments) } : {}), notice: 'Lip-sync applied; the job renders again.' });
        return outcome.job;
      } catch (caught) {
        if (get().jobId === jobId) set({ saving: false, error: toApiError(caught).data });
        return null;
      }
    },
    loadAudio(io, refId) {
      const { jobId, audio } = get();
      if (!jobId || audio[refId]) return;
      const signal = audioLoads.signal;
      set((state) => ({ audio: { ...state.audio, [refId]: { state: 'loading' } } }));
      io.audioPeaks(jobId, refId, signal).then(
        (peaks) => !signal.aborted && set((state) => ({ audio: { ...state.audio, [refId]: { state: 'ready', peaks } } })),
        (caught: unknown) => !signal.aborted && set((state) => ({ audio: { ...state.audio, [refId]: { state: 'failed', error: toApiError(caught).data } } })),
      );
    },
    say: (notice) => set({ notice }),
  };
});

const knownRules: ReadonlySet<string> = new Set<LipSyncRule>(['start-before-end', 'inside-video', 'no-overlap', 'unique-id', 'known-audio', 'crop-inside-audio', 'crop-start-before-end', 'length-matches-audio', 'segment-limit']);

/**
 * The violations in a 422's error: its `violations` ({segmentId, rule, message}), or where it has
 * none, its details: such objects, or the CLI's sentences, "Segment "x" … [rule: y]".
 */
export function refusedViolations(body: unknown): LipSyncViolation[] {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return [];
  const { violations, details } = error as { violations?: unknown; details?: unknown };
  // The structured list when the core sends one; the detail sentences only from a core that does not.
  const items = Array.isArray(violations) && violations.length > 0 ? violations : Array.isArray(details) ? details : [];
  const found: LipSyncViolation[] = [];
  for (const item of items) {
    if (typeof item === 'string') {
      const rule = /\[rule: ([a-z-]+)\]\s*$/.exec(item)?.[1];
      if (!rule || !knownRules.has(rule)) continue;
      const segmentId = /Segment "([^"]+)"/.exec(item)?.[1] ?? '';
      found.push({ segmentId, rule: rule as LipSyncRule, message: item.replace(/\s*\[rule: [a-z-]+\]\s*$/, '') });
    } else if (typeof item === 'object' && item !== null) {
      const { segmentId, rule, message } = item as Record<string, unknown>;
      if (typeof rule === 'string' && knownRules.has(rule) && typeof message === 'string') found.push({ segmentId: typeof segmentId === 'string' ? segmentId : '', rule: rule as LipSyncRule, message });
    }
  }
  return found;
}

/** An added audio file larger than this is not decoded for its waveform (a decoded hour is gigabytes). */
export const maxAudioBytes = 256 * 1024 * 1024;

export interface LipSyncIoOptions {
  /** Turns an audio file's bytes into its waveform (WebAudio in the page). */
  decode(bytes: ArrayBuffer): Promise<AudioPeaks>;
  /** How an audio file's URL is read; the page's fetch by default (tests pass a fake). */
  fetch?: FetchFunction;
}

/**
 * The store's way to the core, all of it through the bridge, so it works in the desktop app (IPC,
 * redub-media://) as in a browser (the local API): the job, the plan's replacement, and the
 * added files' URLs from previewSources, which carry whatever the transport needs (the token
 * over HTTP) so the audio is fetched as the <video> elements fetch theirs.
 */
export function createLipSyncIo(api: Pick<RedubApi, 'getJob' | 'replaceLipSync' | 'previewSources'>, options: LipSyncIoOptions): LipSyncIo {
  const fetchUrl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  return {
    getJob: async (jobId) => (await api.getJob(jobId)) as JobDetailsWithLipSync,
    async saveLipSync(jobId, segments) {
      try {
        return { ok: true, job: (await api.replaceLipSync(jobId, { segments })) as JobDetailsWithLipSync };
      } catch (caught) {
        const error = toApiError(caught).data;
        // A refusal is an answer (the violations it names, each under its segment), not a failure.
        if (error.code !== 'E_LIPSYNC_INVALID') throw caught;
        return { ok: false, error, violations: refusedViolations({ error }) };
      }
    },
    async audioPeaks(jobId, refId, signal) {
      const { audio } = await api.previewSources(jobId);
      // Own keys only: a refId may be spelled like an Object.prototype member ("constructor").
      const url = audio && Object.hasOwn(audio, refId) ? audio[refId] : undefined;
      if (typeof url !== 'string') throw new RedubApiError(new RedubError('E_BAD_REQUEST', { details: [`This job has no added audio "${refId}"; read the job again to see the files it has.`] }).toData());
      const response = await fetchUrl(url, { signal }).catch((caught: unknown) => {
        throw signal.aborted ? caught : unreachableError(caught);
      });
      if (!response.ok) {
        const text = await response.text().catch(() => '');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Not JSON: the status names the error.
        }
        throw apiErrorFromResponse(response.status, body);
      }
      const length = Number(response.headers.get('content-length') ?? '0');
      if (length > maxAudioBytes) throw tooLarge(length);
      const bytes = await response.arrayBuffer();
      if (bytes.byteLength > maxAudioBytes) throw tooLarge(bytes.byteLength);
      return options.decode(bytes);
    },
  };
}

function tooLarge(bytes: number): RedubApiError {
  return new RedubApiError({
    code: 'E_FILE_TOO_LARGE',
    message: `This audio file is ${Math.round(bytes / (1024 * 1024))} MB, more than the ${maxAudioBytes / (1024 * 1024)} MB the timeline decodes to draw a waveform.`,
    action: 'Set its crop with the Crop start and Crop end fields instead, or add a shorter file.',
  });
}
