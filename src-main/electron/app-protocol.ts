// Serves the built renderer (out/renderer) on app://redub, the origin the window loads.
import { protocol } from 'electron';
import { appScheme } from './app-origin.js';
import { handleRendererRequest } from './renderer-request.js';

export function registerAppProtocol(rendererDir: string): void {
  protocol.handle(appScheme, (request) => handleRendererRequest(request, rendererDir));
}
