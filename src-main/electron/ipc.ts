// Wires the IPC handler to Electron: the one invoke channel in, service events out to our window.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { RedubApi } from '../shared/contract.js';
import { ipcChannels } from './channels.js';
import { createInvokeHandler } from './ipc-handler.js';

export interface IpcOptions {
  service: RedubApi;
  /** The one window, or null while there is none (macOS keeps running without one). */
  currentWindow: () => BrowserWindow | null;
  trustedOrigins: readonly string[];
}

/** The sending frame's URL; null when the frame is gone (reading a destroyed frame may throw). */
function senderFrameUrl(event: IpcMainInvokeEvent): string | null {
  try {
    const frame = event.senderFrame;
    return frame && !frame.isDestroyed() ? frame.url : null;
  } catch {
    return null;
  }
}

/** Registers the handler and the event forwarding; returns what undoes both. */
export function registerIpc({ service, currentWindow, trustedOrigins }: IpcOptions): () => void {
  const liveWindow = () => {
    const window = currentWindow();
    return window && !window.isDestroyed() && !window.webContents.isDestroyed() ? window : null;
  };
  const handle = createInvokeHandler(service, {
    trustedOrigins,
    windowWebContentsId: () => liveWindow()?.webContents.id ?? null,
  });
  ipcMain.handle(ipcChannels.invoke, (event, payload) =>
    handle({ webContentsId: event.sender.id, frameUrl: senderFrameUrl(event) }, payload),
  );
  const unsubscribe = service.onEvent((event) => liveWindow()?.webContents.send(ipcChannels.event, event));
  return () => {
    ipcMain.removeHandler(ipcChannels.invoke);
    unsubscribe();
  };
}
