import type { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import type { BrowserWindowConstructorOptions, HandlerDetails, WindowOpenHandlerResponse } from 'electron';

/** Electron's BrowserWindow as far as createMainWindow uses it; each one is recorded in `windows`. */
vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  const windows: unknown[] = [];
  class BrowserWindow extends EventEmitter {
    readonly webContents = Object.assign(new EventEmitter(), {
      openHandler: undefined as ((details: HandlerDetails) => WindowOpenHandlerResponse) | undefined,
      setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse) {
        this.openHandler = handler;
      },
    });
    readonly loaded: string[] = [];
    constructor(readonly options: BrowserWindowConstructorOptions) {
      super();
      windows.push(this);
    }
    async loadURL(url: string) {
      this.loaded.push(url);
    }
    show() {}
  }
  return { BrowserWindow, shell: { openExternal: vi.fn(async () => undefined) }, windows };
});

const electron = (await import('electron')) as unknown as { windows: unknown[]; shell: { openExternal: Mock } };
const { createMainWindow } = await import('../../../src-main/electron/window.js');

const trustedOrigins = ['app://redub'];

function open() {
  createMainWindow({ preloadPath: '/app/out/preload/index.cjs', startUrl: 'app://redub/index.html', trustedOrigins });
  return electron.windows.at(-1) as unknown as {
    options: BrowserWindowConstructorOptions;
    loaded: string[];
    webContents: EventEmitter & { openHandler: (details: HandlerDetails) => WindowOpenHandlerResponse };
  };
}

function navigationEvent() {
  return { preventDefault: vi.fn() };
}

describe('main window', () => {
  beforeEach(() => {
    electron.windows.length = 0;
    electron.shell.openExternal.mockClear();
  });

  it('gives the window isolation, the sandbox and no Node', () => {
    const window = open();
    expect(window.options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(window.loaded).toEqual(['app://redub/index.html']);
  });

  it('stops navigation and redirects away from the app, and every webview', () => {
    const contents = open().webContents;
    const away = navigationEvent();
    contents.emit('will-navigate', away, 'https://evil.example/');
    expect(away.preventDefault).toHaveBeenCalled();
    const inside = navigationEvent();
    contents.emit('will-navigate', inside, 'app://redub/jobs/1');
    expect(inside.preventDefault).not.toHaveBeenCalled();
    const redirect = navigationEvent();
    contents.emit('will-redirect', redirect, 'file:///etc/passwd');
    expect(redirect.preventDefault).toHaveBeenCalled();
    const webview = navigationEvent();
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  // A middle click (auxclick) on a link arrives here as a new-window request, like window.open.
  it.each([
    ['https://github.com/redub', 'https://github.com/redub'],
    ['file:///etc/passwd', null],
    ['smb://server/share', null],
  ])('denies every new window; %s opens %s in the system browser', (url, external) => {
    const response = open().webContents.openHandler({ url, frameName: '', features: '', disposition: 'background-tab' });
    expect(response).toEqual({ action: 'deny' });
    if (external) expect(electron.shell.openExternal).toHaveBeenCalledWith(external);
    else expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });
});
