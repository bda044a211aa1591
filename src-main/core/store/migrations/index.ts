// The ordered list of schema migrations; append new ones, never edit or reorder shipped ones.
import type { Migration } from '../database.js';
import { migration as jobs } from './0001-jobs.js';
import { migration as cuesArtifacts } from './0002-cues-artifacts.js';
import { migration as logs } from './0003-logs.js';
import { migration as lipsync } from './0004-lipsync.js';
import { migration as settings } from './0005-settings.js';
import { migration as jobStats } from './0006-job-stats.js';
import { migration as cueEdits } from './0007-cue-edits.js';
import { migration as jobMedia } from './0008-job-media.js';
import { migration as cueLayerTimes } from './0009-cue-layer-times.js';
import { migration as jobsFinished } from './0010-jobs-finished.js';
import { migration as speakers } from './0011-speakers.js';

export const migrations: readonly Migration[] = [jobs, cuesArtifacts, logs, lipsync, settings, jobStats, cueEdits, jobMedia, cueLayerTimes, jobsFinished, speakers];
