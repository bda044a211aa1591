// The URLs of a job's media (original, dub, mix, and the audio files added to it), fetched when
// the job or `refresh` changes — the preview refreshes when the job is done (the dub appears), the
// timeline when a mix appears. The lip-sync store reads the audio URLs from the same call.
import { useEffect, useState } from 'react';
import type { PreviewSources } from '../../../src-main/shared/contract.js';
import type { RedubErrorData } from '../../../src-main/shared/errors.js';
import { api, toApiError } from '../../bridge/index.js';

export function usePreviewSources(jobId: string, refresh: unknown): { sources: PreviewSources | null; error: RedubErrorData | null; setError(error: RedubErrorData | null): void } {
  const [sources, setSources] = useState<PreviewSources | null>(null);
  const [error, setError] = useState<RedubErrorData | null>(null);
  useEffect(() => {
    let live = true;
    setError(null);
    api
      .previewSources(jobId)
      .then((loaded) => live && setSources(loaded))
      .catch((caught: unknown) => live && setError(toApiError(caught).data));
    return () => {
      live = false;
    };
  }, [jobId, refresh]);
  return { sources, error, setError };
}
