// Serves job media on redub-media://job/<id>/<original|dub|mix> and job/<id>/audio/<refId>, the
// URLs the service's previewSources hands the renderer. The request logic lives in media-request.ts.
import { protocol } from 'electron';
import { mediaScheme } from './app-origin.js';
import { handleMediaRequest, type MediaSource } from './media-request.js';

export function registerMediaProtocol(source: MediaSource): void {
  protocol.handle(mediaScheme, (request) => handleMediaRequest(request, source));
}
