import { describe, expect, it } from 'vitest';
import { RedubError } from '../../../src-main/shared/errors.js';
import { ApiError, toApiError } from '../../../src-renderer/bridge/api-error.js';

describe('toApiError', () => {
  it('keeps an ApiError as it is', () => {
    const error = new ApiError({ code: 'E_DISK_FULL', message: 'm.', action: 'a.' }, 507);
    expect(toApiError(error)).toBe(error);
  });

  it('reads the plain object the preload rejects with', () => {
    const error = toApiError({ name: 'RedubError', code: 'E_JOB_STATE', message: 'Job x is running.', action: 'Cancel it first.', details: ['d'] });
    expect(error.data).toEqual({ code: 'E_JOB_STATE', message: 'Job x is running.', action: 'Cancel it first.', details: ['d'] });
  });

  it('converts a RedubError', () => {
    expect(toApiError(new RedubError('E_NOT_MEDIA')).code).toBe('E_NOT_MEDIA');
  });

  it('recovers error data from the message of an Error that crossed Electron’s IPC', () => {
    const crossed = new Error(`Error invoking remote method 'redub': ${JSON.stringify({ code: 'E_NO_AUDIO_STREAM', message: 'No audio.', action: 'Pick another.' })}`);
    expect(toApiError(crossed).data).toEqual({ code: 'E_NO_AUDIO_STREAM', message: 'No audio.', action: 'Pick another.' });
  });

  it('turns anything else into E_INTERNAL with the original message as a detail', () => {
    const error = toApiError(new Error('boom'));
    expect(error.code).toBe('E_INTERNAL');
    expect(error.details).toEqual(['boom']);
  });
});
