// The timeline's player: the original video (it leads) and the dub's mixed audio as the last
// render left it (it follows, and is loaded again the moment a render's mix stage commits, before
// the export, so an edited line can be heard a moment after it was rendered), under the same
// transport as the side-by-side preview. It owns
// the shared playhead: it reports the time to the view store and carries out what the timeline
// asks of it (seek, play or pause, play one line of either track).
import { useEffect, useRef, useState } from 'react';
import { toApiError } from '../../bridge/index.js';
import { ErrorNotice } from '../../common/error-notice.js';
import { decideFollowerAction } from '../../common/media/follow-leader.js';
import { usePreviewSources } from '../../common/media/use-preview-sources.js';
import { rememberPosition } from '../../common/media/remembered-position.js';
import { Transport } from '../../common/media/transport.js';
import { useTimelineViewStore } from '../../stores/timeline-view-store.js';
import { useReleaseOnUnmount } from '../../common/media/release-media.js';

export function TimelinePlayer({ jobId, mixVersion }: { jobId: string; mixVersion: string | null }) {
  // While a render's mix stage runs there is no committed mix to name (null): the last one stays.
  const lastMix = useRef(mixVersion);
  if (mixVersion !== null) lastMix.current = mixVersion;
  const hasMixVersion = lastMix.current !== null;

  // Loaded again once a job without a mix gets one; a new mix is the same URL with a new version.
  const { sources, error, setError } = usePreviewSources(jobId, hasMixVersion);
  const [duration, setDuration] = useState(0);
  const video = useRef<HTMLVideoElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  useReleaseOnUnmount(video, audio);
  const stopAt = useRef<number | null>(null);
  const heard = useTimelineViewStore((state) => state.heard);
  const playing = useTimelineViewStore((state) => state.playing);
  const playheadMs = useTimelineViewStore((state) => state.playheadMs);
  const request = useTimelineViewStore((state) => state.request);
  const hasMix = sources?.mix != null;
  const audible = hasMix ? heard : 'original';


  // One playhead per job: the side-by-side preview starts where this one was left, and back.
  useEffect(() => useTimelineViewStore.subscribe((state) => rememberPosition(jobId, state.playheadMs)), [jobId]);

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

  // Whether the video has been moved to the playhead since it last started loading. Until then
  // its time is 0 whatever was asked of it, even once its metadata is in (the mix's
  // loadedmetadata can come between the video's metadata and its own event): taking it then
  // would move the playhead (and the job's remembered place) back to the start.
  const positioned = useRef(false);

  const follow = () => {
    const leader = video.current;
    if (!leader || !positioned.current || leader.readyState < HTMLMediaElement.HAVE_METADATA) return;
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
  const mixUrl = sources.mix ? `${sources.mix}${sources.mix.includes('?') ? '&' : '?'}v=${encodeURIComponent(lastMix.current ?? '')}` : undefined;

  return (
    <section className="timeline-player" aria-label="Player" data-testid="timeline-player">
      <video
        ref={video}
        src={sources.original}
        data-testid="timeline-video"
        preload="metadata"
        playsInline
        onLoadStart={() => (positioned.current = false)}
        onLoadedMetadata={(event) => {
          setDuration(event.currentTarget.duration);
          // A seek asked for before the video was there (the remembered place) is carried out now.
          const ms = useTimelineViewStore.getState().playheadMs;
          positioned.current = true;
          if (ms > 0) event.currentTarget.currentTime = ms / 1000;
        }}
        onPlay={follow}
        onPause={follow}
        onSeeked={follow}
        onTimeUpdate={follow}
        onEnded={follow}
      />
      {mixUrl ? <audio ref={audio} src={mixUrl} data-testid="timeline-mix" data-version={lastMix.current ?? ''} preload="auto" onLoadedMetadata={follow} /> : null}
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
