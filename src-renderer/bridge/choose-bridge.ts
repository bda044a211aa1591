// Picks the transport: the preload's typed IPC when the page runs inside Electron (`window.redub`
// exists), otherwise the local HTTP API of the `redub serve` that served the page.
import type { CreateJobsRequest, RedubApi } from '../../src-main/shared/contract.js';
import type { JobSummary } from '../../src-main/shared/jobs.js';
import { ApiError } from './api-error.js';
import type { ConnectionListener } from './http-bridge.js';
import { isDiskFile, pathForFile, type DraftFile, type RedubFiles } from './files.js';
import { createHttpBridge, type HttpBridge } from './http-bridge.js';
import { wrapIpcApi } from './ipc-bridge.js';
import type { JobDraft } from './job-draft.js';
import { takeApiToken } from './token.js';

export type BridgeKind = 'ipc' | 'http';

export interface RendererBridge {
  kind: BridgeKind;
  api: RedubApi;
  /** Queues the draft's jobs: by path where the files are on this machine's disk, else by upload. */
  submitJobs(draft: JobDraft): Promise<{ jobs: JobSummary[] }>;
  /** Connection changes of the event stream; IPC never drops, so it reports nothing. */
  onConnection(listener: ConnectionListener): () => void;
}

export interface BridgeHost {
  redub?: RedubApi;
  redubFiles?: RedubFiles;
  location?: Location;
  history?: History;
  localStorage?: Storage;
}

function noPathError(file: DraftFile): ApiError {
  return new ApiError({
    code: 'E_INPUT_UNREADABLE',
    message: `Redub cannot tell where "${file.name}" is on disk.`,
    action: 'Drop the file from a folder on this computer (not from a browser or a zip), or use the file picker.',
  });
}

/** The create-jobs request for files that have paths; throws when one of them has none. */
export function draftToPaths(draft: JobDraft, host: BridgeHost): CreateJobsRequest {
  const path = (file: DraftFile) => {
    const found = pathForFile(file, host);
    if (!found) throw noPathError(file);
    return found;
  };
  const translations = Object.fromEntries(Object.entries(draft.translations).map(([language, file]) => [language, path(file)]));
  return {
    input: path(draft.video),
    to: draft.to,
    ...(draft.from ? { from: draft.from } : {}),
    ...(draft.subtitles ? { subtitles: path(draft.subtitles) } : {}),
    ...(Object.keys(translations).length > 0 ? { translations } : {}),
    ...subtitleChoices(draft),
  };
}

function ipcBridge(api: RedubApi, host: BridgeHost): RendererBridge {
  return {
    kind: 'ipc',
    api,
    submitJobs: async (draft) => api.createJobs(draftToPaths(draft, host)),
    onConnection: () => () => undefined,
  };
}

/** How the subtitle files are read and shown, when the person chose. */
function subtitleChoices(draft: JobDraft): Pick<CreateJobsRequest, 'subtitlesEncoding' | 'subtitlesShown'> {
  return { ...(draft.subtitlesEncoding ? { subtitlesEncoding: draft.subtitlesEncoding } : {}), ...(draft.subtitlesShown ? { subtitlesShown: true } : {}) };
}

/** A browser uploads the files themselves; only the desktop app hands over bare paths. */
function uploadable(file: DraftFile): File {
  if (isDiskFile(file)) {
    throw new ApiError({
      code: 'E_INPUT_UNREADABLE',
      message: `"${file.name}" was handed over as a path, and a page in a browser cannot upload a path.`,
      action: 'Drop the file into this page, or choose it with the file picker.',
    });
  }
  return file;
}

function httpBridge(api: HttpBridge): RendererBridge {
  return {
    kind: 'http',
    api,
    submitJobs: async (draft) =>
      api.uploadJobs({
        video: uploadable(draft.video),
        to: draft.to,
        ...(draft.from ? { from: draft.from } : {}),
        ...(draft.subtitles ? { subtitles: uploadable(draft.subtitles) } : {}),
        ...subtitleChoices(draft),
        translations: Object.fromEntries(Object.entries(draft.translations).map(([language, file]) => [language, uploadable(file)])),
      }),
    onConnection: (listener) => api.onConnection(listener),
  };
}

/** Reading `localStorage` itself throws where storage is disabled (some file:// pages, strict privacy settings). */
function storageOf(host: BridgeHost): Storage | null {
  try {
    return host.localStorage ?? null;
  } catch {
    return null;
  }
}

export function chooseBridge(host: BridgeHost): RendererBridge {
  if (host.redub) return ipcBridge(wrapIpcApi(host.redub), host);
  const token = host.location && host.history ? takeApiToken({ location: host.location, history: host.history, storage: storageOf(host) }) : null;
  return httpBridge(createHttpBridge({ token }));
}
