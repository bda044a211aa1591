// The IPC channel names, as src-main/electron/channels.ts has them (the preload may not import
// from there; a unit test holds the two equal).
export const ipcChannels = {
  invoke: 'redub:invoke',
  event: 'redub:event',
  openPaths: 'redub:open-paths',
} as const;
