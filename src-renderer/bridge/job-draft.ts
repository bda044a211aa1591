// What the person chose in the new-job form, before any transport is involved: the files and the
// languages. The bridge turns it into paths (Electron) or an upload (browser).
import type { DraftFile } from './files.js';

export interface JobDraft {
  video: DraftFile;
  to: string[];
  from?: string;
  subtitles?: DraftFile;
  translations: Record<string, DraftFile>;
  /** The subtitle files' encoding when the person names it; detected otherwise. */
  subtitlesEncoding?: string;
  /** The dub's subtitle track shows by default. */
  subtitlesShown?: boolean;
}
