// Live progress for `redub dub`: a bar per job on a terminal, a line per stage change when
// output goes to a file or pipe, nothing with --json (stdout carries one JSON object).
import type { MultiBar, SingleBar } from 'cli-progress';
import type { RedubService } from '../core/service/redub-service.js';
import { formatDuration } from './output.js';

export class ProgressDisplay {
  private readonly bars = new Map<string, SingleBar>();
  /** Made at the first render, so output that is not a terminal never loads the bars. */
  private multibar: MultiBar | null = null;
  private readonly lastLine = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly service: Pick<RedubService, 'getJob'>,
    private readonly jobIds: string[],
    private readonly mode: 'bars' | 'lines' | 'silent',
  ) {}

  start(): void {
    if (this.mode === 'silent') return;
    void this.render();
    this.timer = setInterval(() => void this.render(), 200);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.mode !== 'silent') {
      await this.inFlight;
      await this.render();
    }
    this.multibar?.stop();
  }

  private render(): Promise<void> {
    // One render at a time; a tick that finds one running skips.
    this.inFlight ??= this.renderJobs()
      .catch(() => undefined) // A display that cannot read the store this time shows the next time; it never stops a dub.
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async renderJobs(): Promise<void> {
    if (this.mode === 'bars' && !this.multibar) {
      const { MultiBar, Presets } = await import('cli-progress');
      this.multibar = new MultiBar({ format: ' {language} [{bar}] {percentage}% | {stage} | {remaining} left', hideCursor: true, clearOnComplete: false, stream: process.stderr }, Presets.shades_classic);
    }
    for (const id of this.jobIds) {
      const job = await this.service.getJob(id).catch(() => null);
      if (!job) continue;
      const running = job.stages.find((stage) => stage.state === 'running');
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
