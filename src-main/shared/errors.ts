// Owns Redub's error vocabulary: every failure a person can meet has a code, a sentence and a
// next step. Errors cross process boundaries (worker → main → CLI/API) as plain `RedubErrorData`.

export type ErrorKind = 'usage' | 'input' | 'processing' | 'cancelled';

interface ErrorDefinition {
  kind: ErrorKind;
  message: string;
  action: string;
}

export const errorDefinitions = {
  E_USAGE: { kind: 'usage', message: 'The command was not understood.', action: 'Run `redub --help` to see the commands and their options.' },
  E_INPUT_MISSING: { kind: 'input', message: 'The input file does not exist.', action: 'Check the path and try again.' },
  E_INPUT_IS_DIRECTORY: { kind: 'input', message: 'The input is a folder, not a video file.', action: 'Pass the path of a video file inside the folder.' },
  E_INPUT_UNREADABLE: { kind: 'input', message: 'The input file cannot be read.', action: 'Check that you have permission to read the file.' },
  E_INPUT_EMPTY: { kind: 'input', message: 'The input file is empty (0 bytes).', action: 'Copy or export the video again; the file may not have finished downloading.' },
  E_NOT_MEDIA: { kind: 'input', message: 'The input is not a video or audio file that Redub can read.', action: 'Pass a video file such as .mp4, .mkv, .mov or .webm.' },
  E_INPUT_TRUNCATED: { kind: 'input', message: 'The video file is damaged or incomplete: its end cannot be read.', action: 'Copy or export the video again, then retry.' },
  E_NO_VIDEO_STREAM: { kind: 'input', message: 'The file has no video stream, so there is nothing to dub onto.', action: 'Pass a video file; audio-only files are not supported yet.' },
  E_NO_AUDIO_STREAM: { kind: 'input', message: 'The video has no audio stream, so there is no speech to dub.', action: 'Pass a video that has a sound track.' },
  E_ZERO_DURATION: { kind: 'input', message: 'The video has zero duration.', action: 'Export the video again, then retry.' },
  E_INPUT_TOO_LARGE: { kind: 'input', message: 'The input file is larger than the configured size limit.', action: 'Raise the limit with --max-size-mb, or trim the video first.' },
  E_INPUT_TOO_LONG: { kind: 'input', message: 'The video is longer than the configured duration limit.', action: 'Raise the limit with --max-duration-minutes, or cut the video into parts.' },
  E_SUBTITLES_MISSING: { kind: 'input', message: 'A subtitle file that was given does not exist.', action: 'Check the path of the subtitle file.' },
  E_SUBTITLES_INVALID: { kind: 'input', message: 'A subtitle file contains no cues Redub can read.', action: 'Pass an SRT, WebVTT or ASS/SSA file with at least one timed line of text; `redub subtitles inspect <file>` shows how Redub reads it.' },
  E_SUBTITLES_FORMAT: { kind: 'input', message: 'The subtitle format is not supported.', action: 'Convert the file to SRT, WebVTT or ASS/SSA (.srt, .vtt, .ass or .ssa).' },
  E_SUBTITLES_ENCODING: { kind: 'usage', message: 'That text encoding is not one Redub knows.', action: 'Name an encoding such as utf-8, utf-16le, windows-1251, windows-1250, gb18030 or shift_jis, or leave it out to have it detected.' },
  E_TRANSLATION_REQUIRED: { kind: 'input', message: 'No translation was given for this language, and translating needs a translation model pack, which is not installed.', action: 'Pass the translation with --translation <lang>=<file.srt>, or install a translation model pack.' },
  E_LANGUAGE_UNSUPPORTED: { kind: 'input', message: 'There is no voice for this target language.', action: 'Pick a language code that eSpeak NG supports (for example es, fr, de, pt, it), or pass --voice <lang>=<voice>.' },
  E_LIPSYNC_INVALID: { kind: 'input', message: 'The lip-sync segments are not valid.', action: 'Fix the segments named in the details, then try again.' },
  E_AUDIO_INVALID: { kind: 'input', message: 'An audio file that was given holds no sound Redub can read.', action: 'Pass an audio file (WAV, MP3, M4A, FLAC, Ogg…) or a video with a sound track; `ffprobe <file>` shows what the file holds.' },
  E_AUDIO_EMPTY: { kind: 'input', message: 'An audio file that was given is empty: it has no bytes, or no sound at all (zero duration).', action: 'Export or record the audio again, then pass the new file.' },
  E_AUDIO_TOO_LONG: { kind: 'input', message: 'An audio file that was given is longer than the duration limit.', action: 'Trim the audio to the part the segments use, or raise the duration limit (--max-duration-minutes, "maxDurationMinutes" or the settings).' },
  E_NO_SPEECH: { kind: 'input', message: 'No speech was found in the video, so there is nothing to dub.', action: 'If the video does have speech, pass its text with --subtitles <file.srt> (and each translation with --translation <lang>=<file.srt>).' },
  E_GLOSSARY_FILE: { kind: 'input', message: 'The glossary file cannot be read.', action: 'Write one term per line as "source term<Tab>fixed translation" (or "source = translation"), or a JSON list of {"source", "target"}.' },
  E_LIPSYNC_FILE: { kind: 'input', message: 'The lip-sync segments file cannot be read as JSON of the form {"segments": [...]}.', action: 'Check the file; each segment needs id, startMs, endMs and audio.refId.' },
  E_PATH_IS_FOLDER: { kind: 'input', message: 'A path that was given is a folder, not a file.', action: 'Pass the path of the file itself.' },
  E_FILE_IS_FIFO: { kind: 'input', message: 'A path that was given is a named pipe (FIFO), not a file; reading it could wait forever.', action: 'Save what the pipe carries to a regular file and pass that file.' },
  E_FILE_IS_DEVICE: { kind: 'input', message: 'A path that was given is a device, not a file.', action: 'Pass a regular file; devices such as /dev/zero are never read.' },
  E_FILE_IS_SOCKET: { kind: 'input', message: 'A path that was given is a socket, not a file.', action: 'Pass a regular file.' },
  E_FILE_TOO_LARGE: { kind: 'input', message: 'A file that was given is larger than Redub reads for its kind.', action: 'Check that the path names the right file; subtitle, glossary and segment files are a few MB at most.' },
  E_FILE_READ_TIMEOUT: { kind: 'input', message: 'A file that was given could not be read in time.', action: 'Copy the file to a local disk and pass the copy.' },
  E_INPUT_CHANGED: { kind: 'input', message: 'A file the job was queued with has changed since, so the job would no longer dub what it was asked to.', action: 'Run `redub dub` again with the file as it is now; it makes a new job.' },
  E_OUTPUT_NOT_WRITABLE: { kind: 'input', message: 'The output folder cannot be written to.', action: 'Pass another folder with --out (or "outDir"), one you can create files in.' },
  E_FFMPEG_MISSING: { kind: 'processing', message: 'ffmpeg or ffprobe could not be found.', action: 'Run `npm install` again, install ffmpeg from your system packages, or set REDUB_FFMPEG and REDUB_FFPROBE.' },
  E_FFMPEG_FAILED: { kind: 'processing', message: 'ffmpeg failed while processing the media.', action: 'See the job log for ffmpeg\'s own message; retry with `redub jobs retry <id>`.' },
  E_VAD_FAILED: { kind: 'processing', message: 'Speech detection failed.', action: 'Retry the job; if it fails again, run `redub doctor` and report the log.' },
  E_SYNTHESIS_FAILED: { kind: 'processing', message: 'Speech synthesis failed.', action: 'Retry the job; if it fails again, check the cue text in the job log.' },
  E_DISK_FULL: { kind: 'processing', message: 'The disk is full.', action: 'Free some space (`redub prune` shrinks Redub\'s cache of stage results to its budget), then retry the job.' },
  E_WORKER_CRASHED: { kind: 'processing', message: 'A worker process stopped unexpectedly.', action: 'Redub retries automatically; if it keeps failing, run `redub doctor`.' },
  E_WORKER_OUT_OF_MEMORY: { kind: 'processing', message: 'A worker process ran out of memory.', action: 'Redub retries automatically; if it keeps happening, close other programs or dub a shorter video, and report the job log.' },
  E_WORKER_FAILED_TO_START: { kind: 'processing', message: 'A worker process could not start.', action: 'Run `npm install` again (or reinstall the app), then retry; `redub doctor` checks the set-up.' },
  E_WORKER_HUNG: { kind: 'processing', message: 'A worker process stopped responding.', action: 'Redub retries automatically; if it keeps failing, run `redub doctor`.' },
  E_STAGE_FAILED: { kind: 'processing', message: 'A processing stage failed.', action: 'See the job log, then retry with `redub jobs retry <id>`.' },
  E_STORAGE_IO: { kind: 'processing', message: 'The data folder could not be read or written (an input/output error from the disk).', action: 'Check the disk that holds the data folder (its cable, its mount, its health), then retry.' },
  E_STORAGE_READONLY: { kind: 'processing', message: 'The data folder is read-only, so Redub cannot record its work.', action: 'Make the data folder writable, or point --data-dir (REDUB_DATA_DIR) at a writable folder.' },
  E_DATABASE_BUSY: { kind: 'processing', message: 'The job database stayed locked by another Redub process for too long.', action: 'Wait a moment and try again; if it keeps happening, check which Redub processes use this data folder.' },
  E_DATABASE_CORRUPT: { kind: 'processing', message: 'The job database is damaged.', action: 'Move redub.db out of the data folder (Redub starts a new one; cached artifacts are found again), and report the problem.' },
  E_LEASE_LOST: { kind: 'processing', message: 'Another Redub process took this job over, so this one stopped working on it.', action: 'Nothing to do: the job goes on in the other process. See `redub jobs show <id>`.' },
  E_ARTIFACT_INVALID: { kind: 'processing', message: 'A stage wrote output that does not hold what it should.', action: 'Redub retries automatically; if it keeps failing, retry with `redub jobs retry <id>` and report the job log.' },
  E_DATABASE_NEWER: { kind: 'processing', message: 'The job database was written by a newer version of Redub.', action: 'Update Redub, or point --data-dir at another folder.' },
  E_DATABASE_UNREADABLE: { kind: 'processing', message: 'The job database cannot be opened.', action: 'Check the data folder\'s permissions, or point --data-dir at another folder.' },
  E_DATABASE_MIGRATION: { kind: 'processing', message: 'The job database could not be upgraded to this version of Redub; it was left unchanged.', action: 'Report this with the output of `redub doctor`, or point --data-dir at another folder.' },
  E_JOB_NOT_FOUND: { kind: 'usage', message: 'There is no job with that id.', action: 'Run `redub jobs list` to see the jobs.' },
  E_JOB_STATE: { kind: 'usage', message: 'The job is not in a state that allows this.', action: 'Run `redub jobs show <id>` to see its state.' },
  E_CUE_NOT_FOUND: { kind: 'usage', message: 'The job has no cue with that number.', action: 'Run `redub jobs show <id>` to see the job\'s cues.' },
  E_CUE_EDIT_INVALID: { kind: 'usage', message: 'An edit of the cues breaks a rule, so none of the edits were made.', action: 'Fix the edit named in the details and send the edits again.' },
  E_CUES_CHANGED: { kind: 'usage', message: 'The cues were changed elsewhere (another window, or a script through the API) since you loaded them; your edit was not saved.', action: 'Load the cues again, then make your edit on what they say now.' },
  E_NO_CUES_YET: { kind: 'usage', message: 'The job has no cues to edit yet.', action: 'Wait until the job has translated its cues (or finished), then edit them.' },
  E_BAD_REQUEST: { kind: 'usage', message: 'The request is not valid.', action: 'Fix the fields named in the details and send it again.' },
  E_UNAUTHORIZED: { kind: 'usage', message: 'The request has no valid API token.', action: 'Send the token from <data-dir>/api-token as "Authorization: Bearer <token>".' },
  E_ROUTE_NOT_FOUND: { kind: 'usage', message: 'There is no such API endpoint.', action: 'See the README for the endpoints under /api/v1.' },
  E_METHOD_NOT_ALLOWED: { kind: 'usage', message: 'This endpoint does not accept that HTTP method.', action: 'Use one of the methods named in the Allow header.' },
  E_PORT_IN_USE: { kind: 'usage', message: 'Another program is already listening on that port.', action: 'Pass another port with --port <number>, or --port 0 to take any free one.' },
  E_FORBIDDEN_HOST: { kind: 'usage', message: 'The local API answers only requests addressed to this machine (127.0.0.1 or localhost).', action: 'Open the URL that `redub serve` printed.' },
  E_FORBIDDEN_PATH: { kind: 'usage', message: 'That file is not one of the job\'s own files.', action: 'Ask for a job\'s files through its download or preview endpoints.' },
  E_UPLOAD_TOO_LARGE: { kind: 'input', message: 'The upload is larger than the configured limit.', action: 'Raise the input size limit in the settings, or pass a local path instead of uploading.' },
  E_NOT_READY: { kind: 'usage', message: 'The job has not produced that file yet.', action: 'Wait until the job is done, then ask again.' },
  E_MODEL_MISSING: { kind: 'input', message: 'A model pack this needs is not installed.', action: 'Run `redub models install <id>`, or `redub models import <id> <folder-or-archive>` on an offline machine.' },
  E_MODEL_UNKNOWN: { kind: 'usage', message: 'There is no model pack with that id.', action: 'Run `redub models list` to see the packs.' },
  E_MODEL_BUSY: { kind: 'usage', message: 'The model pack is being installed right now.', action: 'Wait until its install finishes (or fails), then try again.' },
  E_HOST_UNAVAILABLE: { kind: 'processing', message: 'A server failed too many times in a row; Redub waits before trying it again.', action: 'Check the network connection or the address, then try again in a minute.' },
  E_URL_IMPORT_UNAVAILABLE: { kind: 'input', message: 'That address is a web page, and importing from a page needs yt-dlp, which is not installed.', action: 'Install yt-dlp (for example `pipx install yt-dlp` or `apt install yt-dlp`) so it is on the PATH, or download the video yourself and pass the file.' },
  E_URL_NOT_FOUND: { kind: 'input', message: 'There is nothing to download at that address.', action: 'Check the URL; open it in a browser to see what the server answers.' },
  E_URL_INVALID: { kind: 'usage', message: 'That is not an address Redub can download from.', action: 'Pass an http:// or https:// URL, or the path of a file.' },
  E_URL_DOWNLOAD_FAILED: { kind: 'processing', message: 'The video could not be downloaded.', action: 'Check the network connection and retry the job; it resumes where it stopped.' },
  E_MODEL_DOWNLOAD_FAILED: { kind: 'processing', message: 'A model file could not be downloaded.', action: 'Check the network connection and run the same command again; it resumes where it stopped.' },
  E_MODEL_CORRUPT: { kind: 'processing', message: 'A model file does not match its published checksum.', action: 'Run the same command again to download it afresh; if it keeps failing, import the pack from a copy you trust.' },
  E_MODEL_IMPORT_FAILED: { kind: 'input', message: 'The model pack could not be imported.', action: 'Pass a folder or a .tar/.tar.gz archive that holds every file of the pack, as listed by `redub models list --json`.' },
  E_API_UNREACHABLE: { kind: 'processing', message: "Redub's local API cannot be reached.", action: 'Check that `redub serve` is still running and that the address is right, then try again.' },
  E_API_TIMEOUT: { kind: 'processing', message: "Redub's local API did not answer in time.", action: 'Try again; if it keeps happening, check the load on the machine that runs `redub serve`.' },
  E_CANCELLED: { kind: 'cancelled', message: 'The job was cancelled.', action: 'Run `redub jobs retry <id>` to start it again.' },
  E_INTERNAL: { kind: 'processing', message: 'Redub hit an unexpected problem.', action: 'Retry; if it happens again, report it with the output of `redub doctor` and the job log.' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof errorDefinitions;

/** The plain-object form an error takes across processes and transports. */
export interface RedubErrorData {
  code: ErrorCode;
  message: string;
  action: string;
  /** Specifics for this occurrence: which file, which segment, what ffmpeg said. */
  details?: string[];
  /** E_LIPSYNC_INVALID: each broken rule as data, so an editor can mark the segment it names. */
  violations?: ErrorViolation[];
}

/** One broken rule of one item (a lip-sync segment): shared/lipsync.ts's LipSyncViolation. */
export interface ErrorViolation {
  segmentId: string;
  rule: string;
  message: string;
}

export class RedubError extends Error {
  readonly code: ErrorCode;
  readonly action: string;
  readonly details: string[];
  readonly violations: ErrorViolation[];

  constructor(code: ErrorCode, options: { message?: string; action?: string; details?: string[]; violations?: ErrorViolation[]; cause?: unknown } = {}) {
    const definition = errorDefinitions[code];
    super(options.message ?? definition.message, { cause: options.cause });
    this.name = 'RedubError';
    this.code = code;
    this.action = options.action ?? definition.action;
    this.details = options.details ?? [];
    this.violations = options.violations ?? [];
  }

  get kind(): ErrorKind {
    return errorDefinitions[this.code].kind;
  }

  toData(): RedubErrorData {
    const data: RedubErrorData = { code: this.code, message: this.message, action: this.action };
    if (this.details.length > 0) data.details = this.details;
    if (this.violations.length > 0) data.violations = this.violations;
    return data;
  }

  static fromData(data: RedubErrorData): RedubError {
    return new RedubError(data.code, { message: data.message, action: data.action, details: data.details ?? [], violations: data.violations ?? [] });
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorDefinitions, value);
}

/** Turns anything thrown into error data a person can read; unknown errors become E_INTERNAL. */
export function toErrorData(error: unknown): RedubErrorData {
  if (error instanceof RedubError) return error.toData();
  if (isRedubErrorData(error)) return error;
  const text = error instanceof Error ? error.message : String(error);
  const storage = storageErrorCode(error, text);
  if (storage) return new RedubError(storage, { details: [text] }).toData();
  return new RedubError('E_INTERNAL', { details: [text] }).toData();
}

export function isRedubErrorData(value: unknown): value is RedubErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return isErrorCode(candidate.code) && typeof candidate.message === 'string' && typeof candidate.action === 'string';
}

export function errorKind(code: ErrorCode): ErrorKind {
  return errorDefinitions[code].kind;
}

/**
 * The Redub code for a storage failure: an SQLite result code (better-sqlite3 puts it on `code`,
 * e.g. SQLITE_FULL, SQLITE_IOERR_WRITE) or a file-system errno (ENOSPC). Null for anything else.
 * Read from the code alone, so it works on errors from any library and after crossing processes.
 */
export function storageErrorCode(error: unknown, text = error instanceof Error ? error.message : String(error)): ErrorCode | null {
  const code = typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : '';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || /\bENOSPC\b|No space left on device|database or disk is full/i.test(text)) return 'E_DISK_FULL';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'E_DATABASE_BUSY';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'E_STORAGE_READONLY';
  if (code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_') || code === 'SQLITE_NOTADB') return 'E_DATABASE_CORRUPT';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'E_STORAGE_IO';
  return null;
}
