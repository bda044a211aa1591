// Where a job's video was last played or sought to, by the side-by-side preview or the timeline:
// switching between them keeps the place (one playhead per job). Kept in memory only, for the
// window's life; nothing re-renders on it, so a player may write it every frame.
let remembered: { jobId: string; ms: number } | null = null;

export function rememberPosition(jobId: string, ms: number): void {
  remembered = { jobId, ms: Math.max(0, Math.round(ms)) };
}

export function rememberedPosition(jobId: string): number {
  return remembered?.jobId === jobId ? remembered.ms : 0;
}
