// The renderer's one way to the core. Chosen once, when the page loads; see choose-bridge.ts.
import { chooseBridge, type BridgeHost } from './choose-bridge.js';

export const bridge = chooseBridge(globalThis as unknown as BridgeHost);
export const api = bridge.api;

export { ApiError, toApiError } from './api-error.js';
export type { ConnectionState } from './http-bridge.js';
export { isDiskFile, onOpenPaths, type DiskFile, type DraftFile } from './files.js';
export type { JobDraft } from './job-draft.js';
