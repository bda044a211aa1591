// The shapes every subtitle reader returns.

export interface SubtitleCue {
  startMs: number;
  endMs: number;
  /** Without markup; lines kept apart with "\n" (spokenText joins them for speech). */
  text: string;
  /** Who speaks it, when the file says (an ASS event's name/actor, a WebVTT voice span). */
  speaker?: string;
  /** The ASS style the event used, so an ASS export can keep it. */
  style?: string;
  /** Where the cue starts in the file (1-based), for messages. */
  line?: number;
}

export interface SubtitleWarning {
  /** The line in the file (1-based), or null for the file as a whole. */
  line: number | null;
  message: string;
}

export type SubtitleFormat = 'srt' | 'vtt' | 'ass' | 'ssa';
