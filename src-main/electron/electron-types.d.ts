// Why this file exists: `electron` is an optional dependency whose install downloads the Electron
// binary, which fails without a network, and npm then drops the whole package, types included.
// So the desktop shell would not type-check on such a machine. This declares only the parts of
// Electron's API that Redub uses, with the names and signatures of Electron 41's own
// electron.d.ts (narrowed where Redub needs less, never widened).
//
// Where the real package is installed, this ambient declaration takes precedence over its
// electron.d.ts (the repo type-checks with skipLibCheck, so the two do not clash). To check the
// shell against the real types there, delete this file locally and run `npm run typecheck`.
// Add a declaration here only after reading it in https://www.electronjs.org/docs/latest/api/.
declare module 'electron' {
  import type { EventEmitter } from 'node:events';

  /** Electron's event object: the listener's first argument, with per-event parameters mixed in. */
  export type Event<Params extends object = object> = {
    preventDefault: () => void;
    readonly defaultPrevented: boolean;
  } & Params;

  // ---- app ---------------------------------------------------------------------------------

  export interface App extends EventEmitter {
    on(event: 'second-instance', listener: (event: Event, argv: string[], workingDirectory: string, additionalData: unknown) => void): this;
    on(event: 'open-file', listener: (event: Event, path: string) => void): this;
    on(event: 'before-quit', listener: (event: Event) => void): this;
    on(event: 'window-all-closed', listener: () => void): this;
    on(event: 'activate', listener: (event: Event, hasVisibleWindows: boolean) => void): this;
    whenReady(): Promise<void>;
    isReady(): boolean;
    getPath(name: 'home' | 'appData' | 'assets' | 'userData' | 'sessionData' | 'temp' | 'exe' | 'module' | 'desktop' | 'documents' | 'downloads' | 'music' | 'pictures' | 'videos' | 'recent' | 'logs' | 'crashDumps'): string;
    getAppPath(): string;
    requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean;
    quit(): void;
    exit(exitCode?: number): void;
    /** Windows: notifications need the app's AppUserModelID. */
    setAppUserModelId(id: string): void;
    readonly isPackaged: boolean;
  }
  export const app: App;

  // ---- windows and web contents ------------------------------------------------------------

  export interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInWorker?: boolean;
    nodeIntegrationInSubFrames?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    webviewTag?: boolean;
    experimentalFeatures?: boolean;
    navigateOnDragDrop?: boolean;
    spellcheck?: boolean;
    devTools?: boolean;
    safeDialogs?: boolean;
  }

  export interface BrowserWindowConstructorOptions {
    width?: number;
    height?: number;
    minWidth?: number;
    minHeight?: number;
    show?: boolean;
    title?: string;
    backgroundColor?: string;
    autoHideMenuBar?: boolean;
    webPreferences?: WebPreferences;
  }

  export class BrowserWindow extends EventEmitter {
    constructor(options?: BrowserWindowConstructorOptions);
    static getAllWindows(): BrowserWindow[];
    readonly id: number;
    readonly webContents: WebContents;
    loadURL(url: string): Promise<void>;
    show(): void;
    focus(): void;
    restore(): void;
    isMinimized(): boolean;
    isDestroyed(): boolean;
    close(): void;
    on(event: 'closed', listener: () => void): this;
    once(event: 'ready-to-show', listener: () => void): this;
  }

  export interface WebFrameMain {
    /** The frame's current URL. */
    readonly url: string;
    readonly origin: string;
    readonly top: WebFrameMain | null;
    readonly parent: WebFrameMain | null;
    isDestroyed(): boolean;
  }

  export interface WebContentsWillNavigateEventParams {
    url: string;
    isSameDocument: boolean;
    isMainFrame: boolean;
    frame: WebFrameMain | null;
  }

  export type WebContentsWillRedirectEventParams = WebContentsWillNavigateEventParams;

  export interface HandlerDetails {
    url: string;
    frameName: string;
    features: string;
    disposition: 'default' | 'foreground-tab' | 'background-tab' | 'new-window' | 'other';
  }

  export type WindowOpenHandlerResponse =
    | { action: 'deny' }
    | { action: 'allow'; outlivesOpener?: boolean; overrideBrowserWindowOptions?: BrowserWindowConstructorOptions };

  export interface WebContents extends EventEmitter {
    readonly id: number;
    readonly session: Session;
    send(channel: string, ...args: unknown[]): void;
    getURL(): string;
    isDestroyed(): boolean;
    isLoading(): boolean;
    setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
    on(event: 'will-navigate', listener: (event: Event<WebContentsWillNavigateEventParams>, url: string, isInPlace: boolean, isMainFrame: boolean, frameProcessId: number, frameRoutingId: number) => void): this;
    on(event: 'will-redirect', listener: (event: Event<WebContentsWillRedirectEventParams>, url: string, isInPlace: boolean, isMainFrame: boolean, frameProcessId: number, frameRoutingId: number) => void): this;
    on(event: 'will-attach-webview', listener: (event: Event, webPreferences: WebPreferences, params: Record<string, string>) => void): this;
    on(event: 'did-finish-load', listener: () => void): this;
    on(event: 'did-start-loading', listener: () => void): this;
  }

  // ---- sessions, requests, protocols -------------------------------------------------------

  export interface OnHeadersReceivedListenerDetails {
    id: number;
    url: string;
    method: string;
    resourceType: 'mainFrame' | 'subFrame' | 'stylesheet' | 'script' | 'image' | 'font' | 'object' | 'xhr' | 'ping' | 'cspReport' | 'media' | 'webSocket' | 'other';
    statusLine: string;
    statusCode: number;
    responseHeaders?: Record<string, string[]>;
    webContentsId?: number;
  }

  export interface HeadersReceivedResponse {
    cancel?: boolean;
    responseHeaders?: Record<string, string | string[]>;
    statusLine?: string;
  }

  export interface WebRequest {
    onHeadersReceived(listener: ((details: OnHeadersReceivedListenerDetails, callback: (headersReceivedResponse: HeadersReceivedResponse) => void) => void) | null): void;
  }

  export interface PermissionRequest {
    requestingUrl: string;
    isMainFrame: boolean;
  }

  export interface PermissionCheckHandlerHandlerDetails {
    requestingUrl?: string;
    isMainFrame: boolean;
  }

  export interface Session {
    readonly webRequest: WebRequest;
    readonly protocol: Protocol;
    /** Electron passes one of its permission names; Redub only compares them, so a string suffices. */
    setPermissionRequestHandler(handler: ((webContents: WebContents, permission: string, callback: (permissionGranted: boolean) => void, details: PermissionRequest) => void) | null): void;
    setPermissionCheckHandler(handler: ((webContents: WebContents | null, permission: string, requestingOrigin: string, details: PermissionCheckHandlerHandlerDetails) => boolean) | null): void;
  }

  export const session: {
    readonly defaultSession: Session;
  };

  export interface Privileges {
    standard?: boolean;
    secure?: boolean;
    bypassCSP?: boolean;
    allowServiceWorkers?: boolean;
    supportFetchAPI?: boolean;
    corsEnabled?: boolean;
    stream?: boolean;
    codeCache?: boolean;
  }

  export interface CustomScheme {
    scheme: string;
    privileges?: Privileges;
  }

  export interface Protocol {
    /** Only before the app's `ready` event, and only once. */
    registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
    unhandle(scheme: string): void;
    isProtocolHandled(scheme: string): boolean;
  }
  export const protocol: Protocol;

  // ---- IPC -----------------------------------------------------------------------------------

  export type IpcMainInvokeEvent = Event<{
    processId: number;
    frameId: number;
    sender: WebContents;
    /** Null when the frame has navigated away or been destroyed since it sent the message. */
    senderFrame: WebFrameMain | null;
  }>;

  export interface IpcMain extends EventEmitter {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown> | unknown): void;
    removeHandler(channel: string): void;
  }
  export const ipcMain: IpcMain;

  export type IpcRendererEvent = Event<{ sender: IpcRenderer }>;

  export interface IpcRenderer extends EventEmitter {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
    removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
  }
  export const ipcRenderer: IpcRenderer;

  export interface ContextBridge {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  }
  export const contextBridge: ContextBridge;

  export interface WebUtils {
    /** The path on disk of a File the user dropped or picked; '' for files made in the page. */
    getPathForFile(file: File): string;
  }
  export const webUtils: WebUtils;

  // ---- processes, notifications, shell -------------------------------------------------------

  export interface ForkOptions {
    env?: NodeJS.ProcessEnv;
    execArgv?: string[];
    cwd?: string;
    /** stdin can only be 'ignore'. */
    stdio?: Array<'pipe' | 'ignore' | 'inherit'> | 'pipe' | 'ignore' | 'inherit';
    serviceName?: string;
    allowLoadingUnsignedLibraries?: boolean;
    respondToAuthRequestsFromMainProcess?: boolean;
  }

  export class UtilityProcess extends EventEmitter {
    /** Undefined when the process failed to spawn, and again once it has exited. */
    readonly pid: number | undefined;
    readonly stdout: NodeJS.ReadableStream | null;
    readonly stderr: NodeJS.ReadableStream | null;
    postMessage(message: unknown): void;
    kill(): boolean;
    on(event: 'spawn', listener: () => void): this;
    on(event: 'exit', listener: (code: number) => void): this;
    on(event: 'message', listener: (message: unknown) => void): this;
    on(event: 'error', listener: (type: 'FatalError', location: string, report: string) => void): this;
    once(event: 'exit', listener: (code: number) => void): this;
  }

  export const utilityProcess: {
    /** Only after the app's `ready` event. */
    fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityProcess;
  };

  export interface NotificationConstructorOptions {
    title?: string;
    subtitle?: string;
    body?: string;
    silent?: boolean;
    urgency?: 'normal' | 'critical' | 'low';
  }

  export class Notification extends EventEmitter {
    constructor(options?: NotificationConstructorOptions);
    static isSupported(): boolean;
    show(): void;
    close(): void;
    on(event: 'click' | 'close', listener: (event: Event) => void): this;
  }

  export const dialog: {
    /** Safe before `ready`; shows a modal error box. */
    showErrorBox(title: string, content: string): void;
  };

  export const shell: {
    openExternal(url: string, options?: { activate?: boolean }): Promise<void>;
  };
}
