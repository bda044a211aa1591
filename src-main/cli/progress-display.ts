// Live progress for `redub dub`: a bar per job on a terminal, a line per stage change when
// output goes to a file or pipe, nothing with --json (stdout carries one JSON object).
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { JobStore } from '../core/queue/job-store.js';
import { formatDuration } from './output.js';

export class ProgressDisplay {
  private readonly bars = new Map<string, SingleBar>();
  private readonly multibar: MultiBar | null;
  private readonly lastLine = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: JobStore,
    private readonly jobIds: string[],
    private readonly mode: 'bars' | 'lines' | 'silent',
  ) {
    this.multibar =
      mode === 'bars'
        ? new MultiBar({ format: ' {language} [{bar}] {percentage}% | {stage} | {remaining} left', hideCursor: true, clearOnComplete: false, stream: process.stderr }, Presets.shades_classic)
        : null;
  }

  start(): void {
    if (this.mode === 'silent') return;
    this.render();
    this.timer = setInterval(() => this.render(), 200);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.mode !== 'silent') this.render();
    this.multibar?.stop();
  }

  private render(): void {
    try {
      this.renderJobs();
    } catch {
      // A display that cannot read the store this time shows the next time; it never stops a dub.
    }
  }

  private renderJobs(): void {
    for (const id of this.jobIds) {
      const job = this.store.get(id);
      if (!job) continue;
      const running = this.store.stages(id).find((stage) => stage.state === 'running');
      const stage = job.state === 'running' ? (running?.name ?? 'starting') : job.state.replace('_', ' ');
      const percentage = Math.round(job.progress);
      if (this.multibar) {
        let bar = this.bars.get(id);
        if (!bar) {
          bar = this.multibar.create(100, 0, { language: job.language.padEnd(5), stage, remaining: '–' });
          this.bars.set(id, bar);
        }
        bar.update(percentage, { stage: stage.padEnd(11), remaining: formatDuration(job.etaMs) });
      } else {
        const line = `[${job.language}] ${stage} (${percentage}%)`;
        if (this.lastLine.get(id) !== `${job.language}:${stage}`) process.stderr.write(`${line}\n`);
        this.lastLine.set(id, `${job.language}:${stage}`);
      }
    }
  }
}
