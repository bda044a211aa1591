// Bundles the Node-side entry points (CLI, worker, bench, fixture generators) into out/node.
// Dependencies stay external: native modules and WASM packages load from node_modules.
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';

const entryPoints = {
  cli: 'src-main/cli/main.ts',
  worker: 'src-main/workers/stage-worker.ts',
  // eSpeak NG's thread inside a worker; the worker finds it beside itself.
  'espeak-thread': 'src-main/core/engines/tts/espeak-thread.ts',
  bench: 'test/bench/bench.ts',
  'bench-renderer': 'test/bench/renderer-bench.ts',
  'bench-engines': 'test/bench/engine-bench.ts',
  'bench-timeline': 'test/bench/timeline-bench.ts',
  'bench-long': 'test/bench/long-bench.ts',
  'bench-cold-start': 'test/bench/cold-start-bench.ts',
  'generate-sample': 'test/fixtures/generate-sample.ts',
};

const present = Object.fromEntries(Object.entries(entryPoints).filter(([, file]) => existsSync(file)));

rmSync('out/node', { recursive: true, force: true });
await build({
  entryPoints: present,
  outdir: 'out/node',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  // A module loaded with import() becomes a chunk of its own, loaded when the import runs: without
  // splitting esbuild inlines it and hoists its packages' imports to the top of the bundle, so
  // every command and worker loaded ONNX Runtime, the server and the rest at start.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

// `redub/client`, the typed HTTP client the renderer and scripts share.
await import('./build-client.mjs');
