// Owns letting go of a media element's download when its view closes. A <video> or <audio> taken
// out of the page keeps its HTTP connection (a range request it stopped reading) until it is
// garbage-collected, and a browser opens at most six connections to one host: after a few
// timeline and preview openings the next video's request waits behind them, and it never loads.

import { useLayoutEffect, type RefObject } from 'react';

/** Stops `element` and drops its source, which ends its request at once. */
export function releaseMedia(element: HTMLMediaElement | null): void {
  if (!element) return;
  element.pause();
  element.removeAttribute('src');
  element.load();
}

/**
 * Releases the elements behind `refs` when the component unmounts. A layout effect: its cleanup
 * runs before React empties the refs of the elements below it (a passive one would find null).
 */
export function useReleaseOnUnmount(...refs: RefObject<HTMLMediaElement | null>[]): void {
  useLayoutEffect(
    () => () => {
      for (const ref of refs) releaseMedia(ref.current);
    },
    // The refs are the component's own, the same for its life.
    [],
  );
}
