// The preload: exposes the contract as `window.redub` over one IPC channel, plus
// `window.redubFiles` for the paths of dropped files. Nothing else reaches the page: no
// ipcRenderer, no event objects (they carry the sender), no Node.
// Sandboxed preloads cannot load ES modules or files of their own, so electron-vite bundles this
// into one CommonJS file (out/preload/index.cjs) that requires only 'electron'.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { RedubEvent } from '../src-main/shared/contract.js';
import { createRedubApi, PathsInbox } from './api-proxy.js';
import { ipcChannels } from './channels.js';

const api = createRedubApi({
  invoke: (request) => ipcRenderer.invoke(ipcChannels.invoke, request),
  subscribe(listener) {
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload as RedubEvent);
    ipcRenderer.on(ipcChannels.event, forward);
    return () => {
      ipcRenderer.removeListener(ipcChannels.event, forward);
    };
  },
});

const inbox = new PathsInbox();
ipcRenderer.on(ipcChannels.openPaths, (_event, payload) => inbox.receive(payload));

contextBridge.exposeInMainWorld('redub', api);
contextBridge.exposeInMainWorld('redubFiles', {
  /** The path on disk of a dropped or picked File ('' for one made in the page). */
  pathFor: (file: File): string => webUtils.getPathForFile(file),
  /** Files opened from outside the window; returns the unsubscribe function. */
  onOpenPaths: (listener: (paths: string[]) => void): (() => void) => inbox.subscribe(listener),
});
