// The one Redub window and the session rules around it: navigation and new windows denied,
// a CSP on the app's pages, and permissions limited to what the app uses.
import { BrowserWindow, shell, type Session } from 'electron';
import { isTrustedUrl } from './app-origin.js';
import { contentSecurityPolicy, externalUrlToOpen, isNavigationAllowed, isPermissionGranted, mainWindowOptions, withContentSecurityPolicy } from './window-policy.js';

export interface WindowOptions {
  preloadPath: string;
  /** app://redub/index.html, or the dev server's URL in development. */
  startUrl: string;
  trustedOrigins: readonly string[];
}

export function createMainWindow({ preloadPath, startUrl, trustedOrigins }: WindowOptions): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(preloadPath));
  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url, trustedOrigins)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isNavigationAllowed(url, trustedOrigins)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrlToOpen(url);
    if (external) void shell.openExternal(external).catch(() => undefined);
    return { action: 'deny' };
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(startUrl);
  return window;
}

/** Applies the CSP and the permission rules to the session the window uses. */
export function secureSession(session: Session, options: { trustedOrigins: readonly string[]; devServerOrigin?: string }): void {
  const policy = contentSecurityPolicy(options.devServerOrigin);
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isTrustedUrl(details.url, options.trustedOrigins)) return callback({});
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, policy) });
  });
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details.requestingUrl ?? webContents.getURL(), options.trustedOrigins));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) => isPermissionGranted(permission, requestingOrigin, options.trustedOrigins));
}
