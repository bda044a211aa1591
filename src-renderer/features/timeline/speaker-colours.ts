// Owns which colour each of a job's speakers wears on the timeline: a stable palette by the
// speaker's place in the view's list (the order they first speak), so a speaker keeps its colour
// while cues are edited, and a name the list does not know wears none. The map is made once per
// view, not per block: an hour's lane draws hundreds of blocks on every scroll.
import type { SpeakerView } from '../../../src-main/shared/cues.js';

/** How many distinct colours timeline.css defines (--speaker-0 … --speaker-7); more speakers take them again. */
export const speakerPaletteSize = 8;

/** Speaker id → colour index (0 … speakerPaletteSize − 1), by the order `speakers` lists them. */
export function speakerColours(speakers: readonly Pick<SpeakerView, 'id'>[]): ReadonlyMap<string, number> {
  const colours = new Map<string, number>();
  for (const speaker of speakers) if (!colours.has(speaker.id)) colours.set(speaker.id, colours.size % speakerPaletteSize);
  return colours;
}

/** The class that gives an element a speaker's colour (timeline.css), or '' for no known speaker. */
export function speakerClass(colours: ReadonlyMap<string, number>, speaker: string | null | undefined, base: string): string {
  if (!speaker) return '';
  const index = colours.get(speaker);
  return index === undefined ? '' : ` ${base}--speaker ${base}--speaker-${index}`;
}
