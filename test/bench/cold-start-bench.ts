// `npm run bench`, the cold-start part: the bundled sample's whole `redub dub` command in a fresh
// data folder, then the same command again with one line of the translation changed (the edit a
// person re-runs), each timed from spawn to exit and set against `node -e ""` on the same machine,
// so the ratios say what Redub adds to starting Node. Medians of three runs each.
// Targets: cold start ≤ 2 s, one-line re-run ≤ 1.5 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { printFigures, rounded, sample, timed } from './bench-kit.js';

const runs = 3;
const redub = path.resolve('bin', 'redub.js');
const changedLine = 'Cada frase se dice otra vez en el nuevo idioma.';

/** Runs `node ...args` to its exit; a failure (a dub that did not finish) ends the bench with its output. */
function node(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => (code === 0 ? resolve() : reject(new Error(`node ${args.join(' ')} ended with ${signal ?? `exit code ${code}`}:\n${output}`))));
  });
}

const dub = (root: string, translation: string) =>
  node([redub, 'dub', sample.video, '--to', 'es', '--subtitles', sample.sourceSubtitles, '--translation', `es=${translation}`, '--out', path.join(root, 'out'), '--data-dir', path.join(root, 'data')]);

const nodeSeconds: number[] = [];
const coldSeconds: number[] = [];
const rerunSeconds: number[] = [];
const original = readFileSync(sample.translation, 'utf8');
if (!original.includes(changedLine)) throw new Error(`The sample's translation no longer has the line the re-run changes: ${changedLine}`);
for (let run = 0; run < runs; run++) {
  nodeSeconds.push(await timed(() => node(['-e', ''])));
  const root = mkdtempSync(path.join(tmpdir(), 'redub-cold-start-'));
  try {
    coldSeconds.push(await timed(() => dub(root, sample.translation)));
    // A different line each run, so no run's synthesis is answered by the cache.
    const edited = path.join(root, 'edited.es.srt');
    writeFileSync(edited, original.replace(changedLine, `Cada frase se dice otra vez, prueba ${run + 1} de ${Date.now() % 100_000}.`));
    rerunSeconds.push(await timed(() => dub(root, edited)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const nodeMedian = median(nodeSeconds);
const figures = {
  nodeStartSeconds: rounded(nodeMedian),
  coldStartSeconds: rounded(median(coldSeconds)),
  coldStartOverNodeRatio: rounded(median(coldSeconds) / nodeMedian, 1),
  oneLineRerunSeconds: rounded(median(rerunSeconds)),
  oneLineRerunOverNodeRatio: rounded(median(rerunSeconds) / nodeMedian, 1),
  runs: { nodeSeconds: nodeSeconds.map((value) => rounded(value)), coldSeconds: coldSeconds.map((value) => rounded(value)), rerunSeconds: rerunSeconds.map((value) => rounded(value)) },
  targets: { coldStartSeconds: 2.0, oneLineRerunSeconds: 1.5 },
};
console.log(`cold start: the sample's whole \`redub dub\` in ${figures.coldStartSeconds} s (${figures.coldStartOverNodeRatio} × \`node -e ""\`, ${figures.nodeStartSeconds} s); one changed line re-run in ${figures.oneLineRerunSeconds} s (${figures.oneLineRerunOverNodeRatio} ×); medians of ${runs}`);
printFigures(figures);
