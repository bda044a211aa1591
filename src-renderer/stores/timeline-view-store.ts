// What the open timeline shows and where, none of it undoable: the zoom, the scroll position, the
// selected cue, and the shared playhead (the player reports it; lanes and the ruler draw it).
import { create } from 'zustand';

export type Track = 'original' | 'dub';

/** A request to the player, numbered so the same request twice is still two. */
export type PlayerRequest = { id: number } & ({ kind: 'seek'; ms: number } | { kind: 'toggle' } | { kind: 'play-range'; fromMs: number; toMs: number; track: Track });

export interface TimelineViewState {
  pixelsPerSecond: number;
  scrollMs: number;
  selectedId: string | null;
  playheadMs: number;
  playing: boolean;
  heard: Track;
  request: PlayerRequest | null;
  setZoom(pixelsPerSecond: number, scrollMs?: number): void;
  setScroll(scrollMs: number): void;
  select(id: string | null): void;
  setPlayhead(ms: number, playing: boolean): void;
  setHeard(track: Track): void;
  ask(request: PlayerRequest extends infer Request ? (Request extends { id: number } ? Omit<Request, 'id'> : never) : never): void;
  reset(): void;
}

let nextRequest = 1;

const initial = { pixelsPerSecond: 100, scrollMs: 0, selectedId: null, playheadMs: 0, playing: false, heard: 'dub' as Track, request: null };

export const useTimelineViewStore = create<TimelineViewState>()((set) => ({
  ...initial,
  setZoom: (pixelsPerSecond, scrollMs) => set((state) => ({ pixelsPerSecond, scrollMs: scrollMs ?? state.scrollMs })),
  setScroll: (scrollMs) => set({ scrollMs }),
  select: (selectedId) => set({ selectedId }),
  setPlayhead: (playheadMs, playing) => set({ playheadMs, playing }),
  setHeard: (heard) => set({ heard }),
  ask: (request) => set({ request: { ...request, id: nextRequest++ } as PlayerRequest }),
  reset: () => set(initial),
}));
