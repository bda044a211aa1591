// `redub prune [--dry-run]`: shrinks the artifact cache to the size and age budget in the
// settings (least recently used first), never touching what a queued or running job needs or any
// job's published outputs. --dry-run lists what would go and how many bytes, and removes nothing.
import type { RedubService } from '../../core/service/redub-service.js';
import { formatBytes } from '../../shared/format.js';
import type { Output } from '../output.js';

export { pruneOptions } from '../command-options.js';

export function pruneCommand(service: RedubService, values: { 'dry-run'?: boolean }, output: Output): number {
  const report = service.pruneArtifacts({ dryRun: values['dry-run'] === true });
  output.result(report, () => {
    const verb = report.dryRun ? 'Would remove' : 'Removed';
    const lines = report.artifacts.map((artifact) => `  ${artifact.stage.padEnd(11)} ${formatBytes(artifact.bytes).padStart(10)}  last used ${artifact.lastUsedAt}  (${artifact.reason === 'age' ? 'too old' : 'over the size budget'})`);
    if (report.items.count > 0) lines.push(`  ${report.items.count} per-cue speech file${report.items.count === 1 ? '' : 's'} no artifact uses, ${formatBytes(report.items.bytes)}`);
    const summary = `${verb} ${report.artifacts.length} artifact${report.artifacts.length === 1 ? '' : 's'}, ${formatBytes(report.freedBytes)} in all; the cache ${report.dryRun ? 'would hold' : 'holds'} ${formatBytes(report.keptBytes)}${report.protectedCount > 0 ? ` (${report.protectedCount} kept for queued, running or recent jobs)` : ''}.`;
    return [summary, ...lines].join('\n');
  });
  return 0;
}
