// Side-by-side preview: the original and the dub in two <video> elements under one transport.
// The original leads, the dub follows (follow-leader.ts); A/B switches which one is heard, by
// button or the `a` key, so a person can compare the same moment in both languages.
import { useEffect, useRef, useState } from 'react';
import { toApiError } from '../../bridge/index.js';
import { ErrorNotice } from '../../common/error-notice.js';
import { useJobsStore } from '../../stores/jobs-store.js';
import { decideFollowerAction } from '../../common/media/follow-leader.js';
import { usePreviewSources } from '../../common/media/use-preview-sources.js';
import { rememberedPosition, rememberPosition } from '../../common/media/remembered-position.js';
import { isShortcutTarget } from '../../common/media/shortcut.js';
import { Transport } from '../../common/media/transport.js';
import './preview.css';
import { useReleaseOnUnmount } from '../../common/media/release-media.js';

type Audible = 'original' | 'dub';

export function PreviewPanel({ jobId }: { jobId: string }) {
  const done = useJobsStore((state) => state.byId[jobId]?.state === 'done');
  // Fetched again when the job finishes: that is when the dub appears.
  const { sources, error, setError } = usePreviewSources(jobId, done);
  const [audible, setAudible] = useState<Audible>('dub');
  const [playing, setPlaying] = useState(false);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  const original = useRef<HTMLVideoElement>(null);
  const dub = useRef<HTMLVideoElement>(null);
  useReleaseOnUnmount(original, dub);
  const hasDub = sources?.dub != null;
  const heard: Audible = hasDub ? audible : 'original';


  // `muted` is set on the elements directly: React does not keep the attribute in step on updates.
  useEffect(() => {
    if (original.current) original.current.muted = heard !== 'original';
    if (dub.current) dub.current.muted = heard !== 'dub';
  }, [heard, sources]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() !== 'a' || event.ctrlKey || event.metaKey || event.altKey || !isShortcutTarget(event.target)) return;
      event.preventDefault();
      setAudible((current) => (current === 'dub' ? 'original' : 'dub'));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Whether the original has been moved to the job's remembered place since it last started
  // loading. Until then its time is 0 whatever was asked of it, even once its metadata is in
  // (the dub's loadedmetadata can come between the original's metadata and its own event), and
  // taking that 0 would forget the place before the original is moved there.
  const positioned = useRef(false);

  const follow = () => {
    const leader = original.current;
    const follower = dub.current;
    if (!leader || !positioned.current || leader.readyState < HTMLMediaElement.HAVE_METADATA) return;
    setPlaying(!leader.paused);
    setTime(leader.currentTime);
    rememberPosition(jobId, leader.currentTime * 1000);
    if (!follower || !hasDub) return;
    const action = decideFollowerAction(
      { paused: leader.paused, time: leader.currentTime },
      { paused: follower.paused, time: follower.currentTime, duration: follower.duration, seeking: follower.seeking },
    );
    if (action.seekTo !== null) follower.currentTime = action.seekTo;
    if (action.play) void follower.play().catch(() => undefined); // a refused play is retried on the next event
    if (action.pause) follower.pause();
  };

  const togglePlay = () => {
    const leader = original.current;
    if (!leader) return;
    if (leader.paused) void leader.play().catch((caught: unknown) => setError(toApiError(caught).data));
    else leader.pause();
  };

  const seek = (seconds: number) => {
    if (original.current) original.current.currentTime = seconds;
    setTime(seconds);
    rememberPosition(jobId, seconds * 1000);
  };

  if (error && !sources) return <ErrorNotice error={error} title="The preview could not be loaded." testId="preview-error" />;
  if (!sources) return <p className="muted">Loading the preview…</p>;

  return (
    <section className="preview" aria-label="Preview" data-testid="preview">
      <div className="preview__videos">
        <figure className={`preview__pane${heard === 'original' ? ' preview__pane--heard' : ''}`}>
          <video
            ref={original}
            src={sources.original}
            data-testid="preview-original"
            preload="metadata"
            playsInline
            onClick={togglePlay}
            onLoadStart={() => (positioned.current = false)}
            onLoadedMetadata={(event) => {
              setDuration(event.currentTarget.duration);
              // Where the timeline (or this preview, earlier) left this job's playhead.
              const ms = rememberedPosition(jobId);
              positioned.current = true;
              if (ms > 0) seek(ms / 1000);
              else follow();
            }}
            onPlay={follow}
            onPause={follow}
            onSeeked={follow}
            onTimeUpdate={follow}
            onEnded={follow}
          />
          <figcaption>Original{heard === 'original' ? ' · heard' : ''}</figcaption>
        </figure>
        <figure className={`preview__pane${heard === 'dub' ? ' preview__pane--heard' : ''}`}>
          {hasDub ? (
            <video ref={dub} src={sources.dub ?? undefined} data-testid="preview-dub" preload="metadata" playsInline onClick={togglePlay} onLoadedMetadata={follow} />
          ) : (
            <div className="preview__placeholder" data-testid="preview-dub-missing">
              The dub appears here once the job is done.
            </div>
          )}
          <figcaption>Dub{heard === 'dub' ? ' · heard' : ''}</figcaption>
        </figure>
      </div>
      <Transport
        playing={playing}
        time={time}
        duration={duration}
        heard={heard}
        canSwitch={hasDub}
        onTogglePlay={togglePlay}
        onSeek={seek}
        onSwitch={() => setAudible(heard === 'dub' ? 'original' : 'dub')}
      />
      {error ? <ErrorNotice error={error} testId="preview-error" /> : null}
    </section>
  );
}
