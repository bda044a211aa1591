// The IPC channel names the main process and the preload share. The preload may not import from
// src-main/electron (layering), so it keeps its own copy; a unit test holds the two equal.
export const ipcChannels = {
  /** Renderer → main: one request-reply channel carrying `{ method, args }`, answered with an ApiReply. */
  invoke: 'redub:invoke',
  /** Main → renderer: every RedubEvent from the service. */
  event: 'redub:event',
  /** Main → renderer: files handed to Redub from outside (a second launch, Finder's "Open With"). */
  openPaths: 'redub:open-paths',
} as const;
