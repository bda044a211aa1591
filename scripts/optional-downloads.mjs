// Attempts the downloads that only work where a network exists, and survives their failure.
// Electron's binary and ffmpeg-static's binary are optionalDependencies, so npm itself drops them
// when their download fails. onnxruntime-node's CUDA libraries are not optional in npm's sense,
// so package.json's allowScripts (npm ≥ 11.16 honours a `false` there) keeps npm from running its
// installer, and this script runs it, bounded in time, on platforms that have CUDA builds. Nothing here may fail the install: Redub runs on CPU and on Debian's or the
// bundled ffmpeg without any of it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function attemptCudaLibraries() {
  if (process.env.REDUB_SKIP_OPTIONAL_DOWNLOADS) return 'skipped (REDUB_SKIP_OPTIONAL_DOWNLOADS is set)';
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'not needed on this platform';
  let installer;
  try {
    installer = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'script', 'install.js');
  } catch {
    return 'onnxruntime-node is not installed';
  }
  if (!existsSync(installer)) return 'onnxruntime-node has no installer script';
  const result = spawnSync(process.execPath, [installer], {
    // 'true' forces the platform's listed extras (CUDA 12 on linux/x64). A named value such as
    // 'cuda12' is dropped by the installer's flag parser, which then exits quietly under npm.
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'true', npm_config_onnxruntime_node_install: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 5 * 60 * 1000,
    encoding: 'utf8',
  });
  if (result.status === 0) return 'installed (or already present)';
  const reason = (result.stderr || result.error?.message || '').split('\n').find((line) => /Error/.test(line)) ?? 'unknown error';
  return `not available (${reason.trim()}); Redub will use the CPU execution provider`;
}

const optionalPackages = ['electron', 'ffmpeg-static'].map((name) => {
  try {
    require.resolve(`${name}/package.json`);
    return `${name}: present`;
  } catch {
    return `${name}: not installed (its download needs a network; Redub works without it)`;
  }
});

console.log(`[redub] optional downloads:\n  onnxruntime-node CUDA libraries: ${attemptCudaLibraries()}\n  ${optionalPackages.join('\n  ')}`);
