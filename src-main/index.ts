// Electron entry: wires the desktop shell (src-main/electron) to the core. One instance, one
// window, one service that owns the store and the workers (as utility processes); the renderer
// reaches it only through the preload's one IPC channel and the redub-media:// scheme.
// electron-vite bundles this into out/main/index.js, beside worker.js; the preload and the
// renderer sit in out/preload and out/renderer.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, session, utilityProcess, type BrowserWindow } from 'electron';
import { toErrorData } from './shared/errors.js';
import { RedubService } from './core/service/redub-service.js';
import { appIndexUrl, appOrigin, mediaUrlFor, originOf } from './electron/app-origin.js';
import { registerAppProtocol } from './electron/app-protocol.js';
import { ipcChannels } from './electron/channels.js';
import { registerIpc } from './electron/ipc.js';
import { registerMediaProtocol } from './electron/media-protocol.js';
import { startJobNotifications } from './electron/notifications.js';
import { OpenPathsForwarder, pathsFromArgv } from './electron/open-paths.js';
import { createQuitGuard } from './electron/quit-guard.js';
import { registerPrivilegedSchemes } from './electron/schemes.js';
import { UtilityProcessWorkerHost } from './electron/utility-process-host.js';
import { createMainWindow, secureSession } from './electron/window.js';

const mainDir = path.dirname(fileURLToPath(import.meta.url));
const preloadPath = path.join(mainDir, '..', 'preload', 'index.cjs');
const rendererDir = path.join(mainDir, '..', 'renderer');
const workerEntry = path.join(mainDir, 'worker.js');

// `electron-vite dev` serves the renderer itself and names it here; a packaged app never does.
const devServerUrl = !app.isPackaged && process.env.ELECTRON_RENDERER_URL ? process.env.ELECTRON_RENDERER_URL : undefined;
const devServerOrigin = devServerUrl ? (originOf(devServerUrl) ?? undefined) : undefined;
const trustedOrigins = devServerOrigin ? [appOrigin, devServerOrigin] : [appOrigin];

let mainWindow: BrowserWindow | null = null;
const openPaths = new OpenPathsForwarder();

function showWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    if (app.isReady()) openWindow();
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function openWindow(): void {
  const window = createMainWindow({ preloadPath, startUrl: devServerUrl ?? appIndexUrl, trustedOrigins });
  const contents = window.webContents;
  contents.on('did-start-loading', () => openPaths.detach());
  contents.on('did-finish-load', () => openPaths.attach({ send: (paths) => contents.send(ipcChannels.openPaths, paths) }));
  window.on('closed', () => {
    openPaths.detach();
    if (mainWindow === window) mainWindow = null;
  });
  mainWindow = window;
}

async function start(): Promise<void> {
  await app.whenReady();
  if (process.platform === 'win32') app.setAppUserModelId('org.redub.desktop');
  const dataDir = app.getPath('userData');
  const service = new RedubService({
    dataDir,
    mediaUrl: mediaUrlFor,
    workerHost: new UtilityProcessWorkerHost(utilityProcess, workerEntry, { args: [`--redub-data-dir=${dataDir}`], serviceName: 'Redub worker' }),
  });
  app.on('before-quit', createQuitGuard({ close: () => service.close(), quit: () => app.quit(), onError: (error) => console.error('Redub could not close cleanly:', error) }));

  registerAppProtocol(rendererDir);
  registerMediaProtocol(service);
  secureSession(session.defaultSession, { trustedOrigins, devServerOrigin });
  registerIpc({ service, currentWindow: () => mainWindow, trustedOrigins });
  startJobNotifications(service, showWindow);

  openWindow();
  openPaths.deliver(pathsFromArgv(process.argv, process.cwd(), { appPath: app.getAppPath() }));
  app.on('activate', () => showWindow());
  app.on('window-all-closed', () => {
    // macOS keeps apps (and their running jobs) alive without a window; elsewhere closing it quits.
    if (process.platform !== 'darwin') app.quit();
  });
}

registerPrivilegedSchemes();

if (!app.requestSingleInstanceLock()) {
  // Redub is running already: it receives our command line through 'second-instance'.
  app.quit();
} else {
  app.on('second-instance', (_event, argv, workingDirectory) => {
    showWindow();
    openPaths.deliver(pathsFromArgv(argv, workingDirectory, { appPath: app.getAppPath() }));
  });
  // macOS: a file dropped on the Dock icon or opened with Redub; may come before `ready`.
  app.on('open-file', (event, filePath) => {
    event.preventDefault();
    openPaths.deliver([filePath]);
    showWindow();
  });
  start().catch((error: unknown) => {
    const data = toErrorData(error);
    dialog.showErrorBox('Redub could not start', `${data.message}\n\n${data.action}${data.details ? `\n\n${data.details.join('\n')}` : ''}`);
    app.exit(1);
  });
}
