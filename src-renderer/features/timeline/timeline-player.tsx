// The timeline's player: the original video (it leads) and the dub's mixed audio as the last
// render left it (it follows, and is there before the export is, so an edited line can be heard
// a moment after it was rendered), under the same transport as the side-by-side preview. It owns
// the shared playhead: it reports the time to the view store and carries out what the timeline
// asks of it (seek, play or pause, play one line of either track).
import { useEffect, useRef, useState } from 'react';
import type { PreviewSources } from '../../../src-main/shared/contract.js';
import type { RedubErrorData } from '../../../src-main/shared/errors.js';
import { api, toApiError } from '../../bridge/index.js';
import { ErrorNotice } from '../../common/error-notice.js';
import { decideFollowerAction } from '../../common/media/follow-leader.js';
import { Transport } from '../../common/media/transport.js';
import { useTimelineViewStore } from '../../stores/timeline-view-store.js';

export function TimelinePlayer({ jobId, renderedRevision }: { jobId: string; renderedRevision: number | null }) {
  const [sources, setSources] = useState<PreviewSources | null>(null);
  const [error, setError] = useState<RedubErrorData | null>(null);
  const [duration, setDuration] = useState(0);
  const video = useRef<HTMLVideoElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const stopAt = useRef<number | null>(null);
  const heard = useTimelineViewStore((state) => state.heard);
  const playing = useTimelineViewStore((state) => state.playing);
  const playheadMs = useTimelineViewStore((state) => state.playheadMs);
  const request = useTimelineViewStore((state) => state.request);
  const hasMix = sources?.mix != null;
  const audible = hasMix ? heard : 'original';

  // Loaded again after each render: the mix it points at has changed.
  useEffect(() => {
    let live = true;
    api
      .previewSources(jobId)
      .then((loaded) => live && setSources(loaded))
      .catch((caught: unknown) => live && setError(toApiError(caught).data));
    return () => {
      live = false;
    };
  }, [jobId, renderedRevision]);

  useEffect(() => {
    if (video.current) video.current.muted = audible !== 'original';
    if (audio.current) audio.current.muted = audible !== 'dub';
  }, [audible, sources]);

  // While playing, report the time every frame: timeupdate comes only a few times a second.
  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    const tick = () => {
      const leader = video.current;
      if (leader) {
        const ms = Math.round(leader.currentTime * 1000);
        if (stopAt.current !== null && ms >= stopAt.current) {
          stopAt.current = null;
          leader.pause();
        }
        useTimelineViewStore.getState().setPlayhead(ms, !leader.paused);
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing]);

  const follow = () => {
    const leader = video.current;
    if (!leader) return;
    useTimelineViewStore.getState().setPlayhead(Math.round(leader.currentTime * 1000), !leader.paused);
    const follower = audio.current;
    if (!follower || !hasMix) return;
    const action = decideFollowerAction(
      { paused: leader.paused, time: leader.currentTime },
      { paused: follower.paused, time: follower.currentTime, duration: follower.duration, seeking: follower.seeking },
    );
    if (action.seekTo !== null) follower.currentTime = action.seekTo;
    if (action.play) void follower.play().catch(() => undefined); // retried on the next event
    if (action.pause) follower.pause();
  };

  const play = () => {
    void video.current?.play().catch((caught: unknown) => setError(toApiError(caught).data));
  };

  useEffect(() => {
    const leader = video.current;
    if (!request || !leader) return;
    if (request.kind === 'seek') {
      stopAt.current = null;
      leader.currentTime = request.ms / 1000;
      useTimelineViewStore.getState().setPlayhead(request.ms, !leader.paused);
    } else if (request.kind === 'toggle') {
      stopAt.current = null;
      if (leader.paused) play();
      else leader.pause();
    } else {
      useTimelineViewStore.getState().setHeard(request.track);
      leader.currentTime = request.fromMs / 1000;
      stopAt.current = request.toMs;
      play();
    }
    // A request is carried out once, when it arrives.
  }, [request]);

  if (error && !sources) return <ErrorNotice error={error} title="The player could not be loaded." testId="timeline-player-error" />;
  if (!sources) return <p className="muted">Loading the player…</p>;
  const mixUrl = sources.mix ? `${sources.mix}${sources.mix.includes('?') ? '&' : '?'}v=${renderedRevision ?? 0}` : undefined;

  return (
    <section className="timeline-player" aria-label="Player" data-testid="timeline-player">
      <video
        ref={video}
        src={sources.original}
        data-testid="timeline-video"
        preload="metadata"
        playsInline
        onLoadedMetadata={(event) => setDuration(event.currentTarget.duration)}
        onPlay={follow}
        onPause={follow}
        onSeeked={follow}
        onTimeUpdate={follow}
        onEnded={follow}
      />
      {mixUrl ? <audio ref={audio} src={mixUrl} data-testid="timeline-mix" preload="auto" onLoadedMetadata={follow} /> : null}
      <Transport
        playing={playing}
        time={playheadMs / 1000}
        duration={duration}
        heard={audible}
        canSwitch={hasMix}
        onTogglePlay={() => useTimelineViewStore.getState().ask({ kind: 'toggle' })}
        onSeek={(seconds) => useTimelineViewStore.getState().ask({ kind: 'seek', ms: Math.round(seconds * 1000) })}
        onSwitch={() => useTimelineViewStore.getState().setHeard(audible === 'dub' ? 'original' : 'dub')}
      />
      {error ? <ErrorNotice error={error} testId="timeline-player-error" /> : null}
    </section>
  );
}
