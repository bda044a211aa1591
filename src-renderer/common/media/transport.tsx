// The preview's one transport: play/pause, a seek bar, the time, and the A/B audio switch.
import { formatMediaTime } from '../format.js';

export interface TransportProps {
  playing: boolean;
  time: number;
  duration: number;
  heard: 'original' | 'dub';
  canSwitch: boolean;
  onTogglePlay(): void;
  onSeek(seconds: number): void;
  onSwitch(): void;
}

export function Transport({ playing, time, duration, heard, canSwitch, onTogglePlay, onSeek, onSwitch }: TransportProps) {
  const known = Number.isFinite(duration) && duration > 0;
  return (
    <div className="transport" role="group" aria-label="Playback">
      <button type="button" className="button transport__play" data-testid="preview-play" aria-pressed={playing} onClick={onTogglePlay}>
        {playing ? 'Pause' : 'Play'}
      </button>
      <input
        type="range"
        className="transport__seek"
        data-testid="preview-seek"
        aria-label="Position"
        aria-valuetext={formatMediaTime(time)}
        min={0}
        max={known ? duration : 0}
        step={0.1}
        value={Math.min(time, known ? duration : 0)}
        disabled={!known}
        onChange={(event) => onSeek(Number(event.target.value))}
      />
      <span className="transport__time" data-testid="preview-time">
        {formatMediaTime(time)} / {known ? formatMediaTime(duration) : '–:––'}
      </span>
      <button
        type="button"
        className="button transport__ab"
        data-testid="preview-ab"
        data-heard={heard}
        disabled={!canSwitch}
        aria-keyshortcuts="a"
        title="Switch the audio between the original and the dub (A)"
        onClick={onSwitch}
      >
        Hearing: {heard === 'dub' ? 'dub' : 'original'} <kbd>A</kbd>
      </button>
    </div>
  );
}
