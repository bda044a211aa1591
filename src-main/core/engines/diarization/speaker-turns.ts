// Owns turning per-window activity and the speakers its local voices were clustered into into
// speaker turns, as sherpa-onnx's pyannote pipeline does: on the track's frame grid, how many
// speakers talk at a frame is the mean over the windows that cover it of how many local speakers
// were active there, rounded; those are the speakers active there in the most windows. A
// speaker's frames make turns; gaps under half a second within one speaker are closed, and turns
// under 0.3 s then dropped (sherpa-onnx's min_duration_off and min_duration_on). Speakers are
// named SPEAKER_1, SPEAKER_2, … in the order they first speak.

import type { SegmentationParameters } from './pack-parameters.js';
import { frameTimeMs, speakersAt, trackFrameCount, windowFrameOffset } from './segmentation-windows.js';

export interface SpeakerTurn {
  speaker: string;
  startMs: number;
  endMs: number;
}

export const minTurnGapMs = 500;
export const minTurnMs = 300;

interface WindowActivity {
  start: number;
  activity: Uint8Array;
}

/** Collects each window's activity (frames × local speakers bytes: about 1.8 kB a window). */
export class TurnBuilder {
  private readonly windows: WindowActivity[] = [];

  constructor(
    private readonly parameters: SegmentationParameters,
    private readonly frames: number,
  ) {}

  add(start: number, activity: Uint8Array): void {
    this.windows.push({ start, activity });
  }

  /**
   * The turns, given the cluster of window `window`'s local speaker `local` (−1: none, when it
   * spoke too little to be embedded), over a track of `lengthMs`.
   */
  build(clusterOf: (window: number, local: number) => number, clusters: number, lengthMs: number): SpeakerTurn[] {
    if (this.windows.length === 0 || clusters === 0) return [];
    const { parameters, frames } = this;
    const local = parameters.localSpeakers;
    const total = trackFrameCount(this.windows.at(-1)!.start, frames, parameters);
    const speaking = new Float32Array(total);
    const covering = new Uint16Array(total);
    const votes = new Uint16Array(total * clusters);
    this.windows.forEach(({ start, activity }, window) => {
      const offset = windowFrameOffset(start, parameters);
      for (let frame = 0; frame < frames; frame++) {
        speaking[offset + frame] = speaking[offset + frame]! + speakersAt(activity, frame, local);
        covering[offset + frame] = covering[offset + frame]! + 1;
        for (let speaker = 0; speaker < local; speaker++) {
          if (activity[frame * local + speaker] !== 1) continue;
          const cluster = clusterOf(window, speaker);
          if (cluster >= 0) votes[(offset + frame) * clusters + cluster] = votes[(offset + frame) * clusters + cluster]! + 1;
        }
      }
    });
    const turns: { cluster: number; startMs: number; endMs: number }[] = [];
    const open = new Int32Array(clusters).fill(-1);
    const active = new Uint8Array(clusters);
    for (let frame = 0; frame <= total; frame++) {
      active.fill(0);
      if (frame < total) {
        const wanted = covering[frame]! > 0 ? Math.floor(speaking[frame]! / covering[frame]! + 0.5) : 0;
        for (const cluster of topVoted(votes, frame, clusters, wanted)) active[cluster] = 1;
      }
      for (let cluster = 0; cluster < clusters; cluster++) {
        if (active[cluster] && open[cluster]! < 0) open[cluster] = frame;
        if (!active[cluster] && open[cluster]! >= 0) {
          turns.push({ cluster, startMs: frameTimeMs(open[cluster]!, parameters), endMs: frameTimeMs(frame, parameters) });
          open[cluster] = -1;
        }
      }
    }
    return nameSpeakers(tidy(turns, lengthMs));
  }
}

/** Up to `wanted` clusters with the most votes at a frame, none without a vote. */
function topVoted(votes: Uint16Array, frame: number, clusters: number, wanted: number): number[] {
  const chosen: number[] = [];
  for (let pick = 0; pick < wanted; pick++) {
    let best = -1;
    for (let cluster = 0; cluster < clusters; cluster++) {
      const count = votes[frame * clusters + cluster]!;
      if (count > 0 && !chosen.includes(cluster) && (best < 0 || count > votes[frame * clusters + best]!)) best = cluster;
    }
    if (best < 0) break;
    chosen.push(best);
  }
  return chosen;
}

/** Clipped to the track, short gaps closed and short turns dropped, per speaker, sorted by start. */
function tidy(turns: { cluster: number; startMs: number; endMs: number }[], lengthMs: number): { cluster: number; startMs: number; endMs: number }[] {
  const byCluster = new Map<number, { cluster: number; startMs: number; endMs: number }[]>();
  for (const turn of turns) {
    const clipped = { cluster: turn.cluster, startMs: Math.max(0, turn.startMs), endMs: Math.min(lengthMs, turn.endMs) };
    if (clipped.endMs <= clipped.startMs) continue;
    const list = byCluster.get(turn.cluster) ?? [];
    const last = list.at(-1);
    if (last && clipped.startMs - last.endMs < minTurnGapMs) last.endMs = Math.max(last.endMs, clipped.endMs);
    else list.push(clipped);
    byCluster.set(turn.cluster, list);
  }
  return [...byCluster.values()].flat().filter((turn) => turn.endMs - turn.startMs >= minTurnMs).sort((a, b) => a.startMs - b.startMs || a.cluster - b.cluster);
}

function nameSpeakers(turns: { cluster: number; startMs: number; endMs: number }[]): SpeakerTurn[] {
  const names = new Map<number, string>();
  return turns.map(({ cluster, startMs, endMs }) => {
    let speaker = names.get(cluster);
    if (speaker === undefined) {
      speaker = `SPEAKER_${names.size + 1}`;
      names.set(cluster, speaker);
    }
    return { speaker, startMs: Math.round(startMs), endMs: Math.round(endMs) };
  });
}

/** The speaker who talks most inside [startMs, endMs), or null when nobody does; a tie goes to whoever spoke first. */
export function speakerDuring(turns: readonly SpeakerTurn[], startMs: number, endMs: number): string | null {
  const talk = new Map<string, number>();
  for (const turn of turns) {
    const overlap = Math.min(endMs, turn.endMs) - Math.max(startMs, turn.startMs);
    if (overlap > 0) talk.set(turn.speaker, (talk.get(turn.speaker) ?? 0) + overlap);
  }
  let best: string | null = null;
  for (const [speaker, time] of talk) if (best === null || time > talk.get(best)!) best = speaker;
  return best;
}
