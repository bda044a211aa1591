// Peak memory of the bench process and of every process under it: the workers and the ffmpeg runs
// they start. On Linux, VmHWM in /proc/<pid>/status is a process's peak resident set so far, so a
// long-lived worker read at the end gives its lifetime peak; ffmpeg runs are short-lived and only
// caught by sampling while they live (a run shorter than the interval may be missed, and one's growth
// after its last sample is). The bench process's own peak counts from `start` (where Linux lets it
// reset its high-water mark: a fixture generated just before, in the same process, is not the
// dub's); elsewhere it is process.resourceUsage()'s lifetime peak, and the children are reported
// as unmeasured.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { RedubCore } from '../../src-main/core/redub-core.js';
import { megabytes } from './bench-kit.js';

export interface ProcessPeak {
  role: string;
  /** Worker pids; a helper role (ffmpeg under a worker) groups all its runs. */
  pid: number | null;
  runs: number;
  /** Null where this platform cannot say. */
  peakMB: number | null;
  /** What was running at the sample that first saw the peak (a sampled process only). */
  peakDuring?: string;
}

interface ProcessStatus {
  name: string;
  parent: number;
  peakBytes: number | null;
}

const procReadable = process.platform === 'linux' && existsSync('/proc/self/status');

function readStatus(pid: number): ProcessStatus | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null; // ended between listing /proc and reading it
  }
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const peakKb = field('VmHWM'); // absent for a zombie
  return { name: field('Name') ?? '?', parent: Number(field('PPid')), peakBytes: peakKb ? Number.parseInt(peakKb, 10) * 1024 : null };
}

/** The workers' pids and roles now (a dead worker's replacement has a new pid). */
function workerRoles(core: RedubCore): Map<number, string> {
  const pools = core.workerPools();
  return new Map([...pools.cpu.processIds.map((pid) => [pid, 'cpu worker'] as const), ...pools.model.processIds.map((pid) => [pid, 'model worker'] as const)]);
}

export class PeakMemory {
  /** Per pid seen under this process: its role then and its highest VmHWM read. */
  private readonly seen = new Map<number, { role: string; worker: boolean; peakBytes: number | null; peakDuring?: string }>();
  private timer: NodeJS.Timeout | null = null;

  /** `during`: what is running now (the job's stages), recorded with each peak. */
  constructor(
    private readonly core: RedubCore,
    private readonly during?: () => string,
  ) {}

  /** Samples every `intervalMs` until `report`. */
  start(intervalMs = 250): this {
    if (procReadable) {
      // "5" resets VmHWM to the resident set now (Linux 4.0+); where refused, the peak is the lifetime's.
      try {
        writeFileSync('/proc/self/clear_refs', '5');
      } catch {
        // kept as it was
      }
      this.timer = setInterval(() => this.sample(), intervalMs);
      this.timer.unref();
    }
    return this;
  }

  private sample(): void {
    const workers = workerRoles(this.core);
    const statuses = new Map<number, ProcessStatus>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const status = readStatus(Number(entry));
      if (status) statuses.set(Number(entry), status);
    }
    const roles = new Map<number, string | null>([[process.pid, 'bench/main']]);
    let during: string | undefined;
    const roleOf = (pid: number, depth: number): string | null => {
      if (roles.has(pid)) return roles.get(pid)!;
      const status = statuses.get(pid);
      const parentRole = status && depth < 32 ? roleOf(status.parent, depth + 1) : null;
      const role = parentRole === null ? null : (workers.get(pid) ?? `${status!.name} under ${parentRole}`);
      roles.set(pid, role);
      return role;
    };
    for (const [pid, status] of statuses) {
      if (pid === process.pid) continue;
      const role = roleOf(pid, 0);
      if (role === null) continue;
      const known = this.seen.get(pid);
      const peakBytes = Math.max(known?.peakBytes ?? 0, status.peakBytes ?? 0) || null;
      const grew = peakBytes !== null && peakBytes > (known?.peakBytes ?? 0);
      if (grew && this.during) during ??= this.during();
      this.seen.set(pid, { role: workers.get(pid) ?? known?.role ?? role, worker: workers.has(pid) || (known?.worker ?? false), peakBytes, peakDuring: grew ? during : known?.peakDuring });
    }
  }

  /** Reads once more (call it while the workers still run), stops sampling, and lists the peaks. */
  report(): { processes: ProcessPeak[]; maxMB: number | null; measured: boolean } {
    if (procReadable) this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const ownPeak = (procReadable ? readStatus(process.pid)?.peakBytes : null) ?? process.resourceUsage().maxRSS * 1024;
    const processes: ProcessPeak[] = [{ role: 'bench/main', pid: process.pid, runs: 1, peakMB: megabytes(ownPeak) }];
    if (!procReadable) {
      for (const [pid, role] of workerRoles(this.core)) processes.push({ role, pid, runs: 1, peakMB: null });
      return { processes, maxMB: null, measured: false };
    }
    const helpers = new Map<string, ProcessPeak>();
    for (const [pid, entry] of this.seen) {
      const peakMB = entry.peakBytes === null ? null : megabytes(entry.peakBytes);
      if (entry.worker) {
        processes.push({ role: entry.role, pid, runs: 1, peakMB, ...(entry.peakDuring ? { peakDuring: entry.peakDuring } : {}) });
        continue;
      }
      if (peakMB === null) continue; // only ever seen ended (a zombie has no VmHWM): nothing to say of it
      const group = helpers.get(entry.role) ?? { role: entry.role, pid: null, runs: 0, peakMB: null };
      group.runs++;
      if (peakMB > (group.peakMB ?? 0)) Object.assign(group, { peakMB }, entry.peakDuring ? { peakDuring: entry.peakDuring } : {});
      helpers.set(entry.role, group);
    }
    processes.push(...helpers.values());
    const peaks = processes.map((entry) => entry.peakMB).filter((peak): peak is number => peak !== null);
    return { processes, maxMB: Math.max(...peaks), measured: true };
  }
}

export function describePeaks(report: ReturnType<PeakMemory['report']>): string {
  const each = report.processes.map((entry) => `${entry.role}${entry.pid === null ? ` (${entry.runs} runs seen)` : ''} ${entry.peakMB === null ? 'unmeasured' : `${entry.peakMB} MB`}${entry.peakDuring ? ` (during ${entry.peakDuring})` : ''}`);
  return `peak memory (MB = 10^6 bytes): ${each.join('; ')}; max ${report.maxMB ?? 'unmeasured'}`;
}
