// Owns receiving a video (and its subtitle files, and audio files for lip-sync segments) as
// multipart/form-data for POST /api/v1/jobs: each upload gets its own folder
// <data-dir>/uploads/<uuid>/ with names made safe, a size limit enforced while the bytes arrive,
// and nothing left behind when the upload is refused. An audio part named `audio.<refId>` gets
// that refId; one named plain `audio` gets a refId made from its file name (see audioRefIds).
import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { CreateJobsRequest } from '../shared/contract.js';
import { RedubError, toErrorData } from '../shared/errors.js';
import { languageCodePattern, normalizeLanguage } from '../shared/languages.js';
import { audioRefIdProblem, dubAudioRefId, lipSyncFileSchema } from '../shared/lipsync.js';
import { sanitizeFileName } from '../core/files/safe-file-name.js';
import { badRequest } from './http-io.js';

export interface UploadOptions {
  uploadsDir: string;
  /** The most bytes all files of one upload may hold together. */
  limitBytes: number;
}

export interface ReceivedUpload {
  /** The upload's own folder; the caller removes it if no job comes of it. */
  folder: string;
  request: CreateJobsRequest;
  /** The refIds the uploaded audio files got, in the order their parts came. */
  audioRefIds: string[];
}

/** The files of one upload as they arrive: where each was written. */
interface UploadFiles {
  video?: string;
  subtitles?: string;
  translations: Record<string, string>;
  /** Audio parts in arrival order: the refId the part named (null: from the file name), the name the client gave, and where it went. */
  audio: { refId: string | null; fileName: string; file: string }[];
}

/** Room for the form's own framing and text fields on top of the files. */
const formOverheadBytes = 1024 * 1024;

export async function receiveUpload(req: IncomingMessage, options: UploadOptions): Promise<ReceivedUpload> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.limitBytes + formOverheadBytes) throw tooLarge(options.limitBytes);
  const folder = path.join(options.uploadsDir, randomUUID());
  mkdirSync(path.join(folder, 'text'), { recursive: true });
  try {
    const request = await parseForm(req, folder, options.limitBytes);
    return { folder, request, audioRefIds: Object.keys(request.audio ?? {}) };
  } catch (error) {
    removeUploadFolder(folder);
    throw error;
  }
}

/** Removes an upload's folder; a failure to clean up must not replace the answer the client is
 * owed (a 413 stays a 413), so it is retried briefly and then left. */
export function removeUploadFolder(folder: string): void {
  try {
    rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // Left for the next housekeeping; nothing refers to it.
  }
}

function parseForm(req: IncomingMessage, folder: string, limitBytes: number): Promise<CreateJobsRequest> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: limitBytes, files: 64, fields: 64, fieldSize: 64 * 1024, parts: 128 } });
    } catch (error) {
      reject(badRequest(`The multipart form cannot be read: ${(error as Error).message}`));
      return;
    }
    // Each file counts as settled once its file handle is closed, not merely written: removing
    // the folder while a file is still being opened in it would race that open.
    const closed: Promise<void>[] = [];
    const incoming = new Set<NodeJS.ReadableStream & { destroy(): void }>();
    const fields: Record<string, string> = {};
    const files: UploadFiles = { translations: {}, audio: [] };
    let received = 0;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      // Files being written are abandoned (their folder is removed next); the rest of the body is
      // read and dropped, so the client gets to read the answer.
      for (const stream of incoming) stream.destroy();
      req.resume();
      void Promise.all(closed).then(() => reject(error));
    };

    parser.on('file', (name, stream, info) => {
      const target = failed ? null : fileTarget(name, info.filename, folder, files);
      if (typeof target !== 'string') {
        stream.resume();
        if (target) fail(target);
        return;
      }
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > limitBytes) fail(tooLarge(limitBytes));
      });
      stream.on('limit', () => fail(tooLarge(limitBytes)));
      incoming.add(stream);
      const output = createWriteStream(target);
      closed.push(new Promise((resolve) => output.once('close', () => resolve())));
      pipeline(stream, output)
        .catch((error: unknown) => fail(error))
        .finally(() => incoming.delete(stream));
    });
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) fail(badRequest(`The form field "${name.slice(0, 40)}" is too long.`));
      else fields[name] = value;
    });
    parser.on('partsLimit', () => fail(badRequest('The form has too many parts.')));
    parser.on('filesLimit', () => fail(badRequest('The form has too many files.')));
    parser.on('fieldsLimit', () => fail(badRequest('The form has too many fields.')));
    parser.on('error', (error: Error) => fail(badRequest(`The multipart form cannot be read: ${error.message}`)));
    parser.on('close', () => {
      void Promise.all(closed).then(() => {
        if (failed) return;
        try {
          resolve(toRequest(fields, files));
        } catch (error) {
          fail(error);
        }
      });
    });
    req.on('aborted', () => fail(badRequest('The upload was interrupted.')));
    req.pipe(parser);
  });
}

/** Where a file part goes, or the error that refuses it. Subtitles live in text/ so that no
 * output written beside the video (<name>.<lang>.srt) can land on an uploaded file. */
function fileTarget(name: string, fileName: string | undefined, folder: string, files: UploadFiles): string | RedubError {
  if (name === 'audio' || name.startsWith('audio.')) return audioTarget(name, fileName, folder, files);
  if (name === 'video') {
    if (files.video) return badRequest('Send one file part named "video".');
    return (files.video = path.join(folder, sanitizeFileName(fileName, 'video.mp4')));
  }
  const extension = subtitleExtension(fileName);
  if (name === 'subtitles') {
    if (files.subtitles) return badRequest('Send at most one file part named "subtitles".');
    return (files.subtitles = path.join(folder, 'text', `source${extension}`));
  }
  const translation = /^translation\.(.+)$/.exec(name);
  if (translation) {
    const language = normalizeLanguage(translation[1]!);
    if (!languageCodePattern.test(language)) return badRequest(`"${translation[1]}" in the part "${name}" is not a language code.`);
    if (files.translations[language]) return badRequest(`Send one file part named "${name}".`);
    return (files.translations[language] = path.join(folder, 'text', `${language}${extension}`));
  }
  return badRequest(`The form has a file part "${name.slice(0, 40)}"; file parts are video, subtitles, translation.<lang>, audio and audio.<refId>.`);
}

/** Audio parts each go to a folder of their own (audio/1/, audio/2/, …) under their file's own
 * (safe) name, which is the name the job shows for it; the refId is settled once all have come. */
function audioTarget(name: string, fileName: string | undefined, folder: string, files: UploadFiles): string | RedubError {
  const refId = name === 'audio' ? null : name.slice('audio.'.length);
  if (refId !== null) {
    const problem = audioRefIdProblem(refId);
    if (problem) return badRequest(`The part "${name.slice(0, 80)}": ${problem}`);
    if (files.audio.some((part) => part.refId === refId)) return badRequest(`Send one file part named "${name}".`);
  }
  const safeName = sanitizeFileName(fileName, 'audio');
  const target = path.join(folder, 'audio', String(files.audio.length + 1), safeName);
  // The refId comes from the name as the client gave it (its last segment), not the safe copy.
  const givenName = (fileName ?? '').split(/[\\/]/).pop() || safeName;
  try {
    mkdirSync(path.dirname(target), { recursive: true });
  } catch (error) {
    // A full disk is E_DISK_FULL, as for every other write.
    return RedubError.fromData(toErrorData(error));
  }
  files.audio.push({ refId, fileName: givenName, file: target });
  return target;
}

/**
 * refId → file for the uploaded audio. A part named `audio.<refId>` has that refId; a plain
 * `audio` part gets its file name without the extension, with characters a refId cannot hold
 * made "-" (e.g. "Take 2 (final).wav" → "Take-2-final"), and "-2", "-3", … added when that refId
 * is "dub" or already taken. Named refIds are settled first, so a file name never takes one.
 */
export function audioRefIds(parts: readonly { refId: string | null; fileName: string }[]): string[] {
  const taken = new Set<string>(parts.flatMap((part) => (part.refId === null ? [] : [part.refId])));
  return parts.map((part) => {
    if (part.refId !== null) return part.refId;
    const stem = part.fileName.replace(/\.[^.]*$/, '') || part.fileName;
    const base = stem.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 56).replace(/^[-_]+/, '').replace(/[-_]+$/, '') || 'audio';
    let candidate = base;
    for (let suffix = 2; taken.has(candidate) || candidate === dubAudioRefId; suffix++) candidate = `${base}-${suffix}`;
    taken.add(candidate);
    return candidate;
  });
}

function toRequest(fields: Record<string, string>, files: UploadFiles): CreateJobsRequest {
  if (!files.video) throw badRequest('The form has no file part named "video".');
  const to = (fields.to ?? '').split(',').map((language) => language.trim()).filter(Boolean);
  const voices: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    const voice = /^voice\.(.+)$/.exec(name);
    if (voice) voices[voice[1]!] = value;
  }
  const request: CreateJobsRequest = { input: files.video, to };
  if (fields.from) request.from = fields.from;
  if (fields.subtitlesEncoding) request.subtitlesEncoding = fields.subtitlesEncoding;
  if (fields.subtitlesShown !== undefined) {
    if (fields.subtitlesShown !== 'true' && fields.subtitlesShown !== 'false') throw badRequest(`subtitlesShown: "${fields.subtitlesShown.slice(0, 40)}" is not true or false.`);
    request.subtitlesShown = fields.subtitlesShown === 'true';
  }
  if (files.subtitles) request.subtitles = files.subtitles;
  if (Object.keys(files.translations).length > 0) request.translations = files.translations;
  if (Object.keys(voices).length > 0) request.voices = voices;
  if (files.audio.length > 0) {
    const ids = audioRefIds(files.audio);
    request.audio = Object.fromEntries(files.audio.map((part, index) => [ids[index]!, part.file]));
  }
  if (fields.lipsync !== undefined) request.lipsync = lipSyncField(fields.lipsync);
  if (fields.priority !== undefined) {
    const priority = Number(fields.priority);
    if (!Number.isInteger(priority)) throw badRequest(`priority: "${fields.priority}" is not a whole number.`);
    request.priority = priority;
  }
  return request;
}


/** The `lipsync` field: the JSON of a segments file, {"segments": [...]}, checked for its shape
 * here; its rules are checked by the service against the video and the audio. */
function lipSyncField(text: string): NonNullable<CreateJobsRequest['lipsync']> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badRequest(`lipsync: the field is not valid JSON: ${(error as Error).message}`);
  }
  const shape = lipSyncFileSchema.strict().safeParse(parsed);
  if (!shape.success) {
    throw new RedubError('E_BAD_REQUEST', { details: shape.error.issues.map((issue) => `lipsync.${issue.path.join('.') || '(top level)'}: ${issue.message}`) });
  }
  return shape.data;
}

function subtitleExtension(fileName: string | undefined): string {
  const extension = path.extname(sanitizeFileName(fileName, 'subtitles.srt')).toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(extension) ? extension : '.srt';
}

function tooLarge(limitBytes: number): RedubError {
  return new RedubError('E_UPLOAD_TOO_LARGE', { details: [`The limit is ${Math.round(limitBytes / (1024 * 1024))} MiB (${limitBytes} bytes).`] });
}
