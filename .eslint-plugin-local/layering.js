// Enforces ARCHITECTURE.md's import rules: the folder a file lives in decides what it may import.
// Modelled on VS Code's code-layering rule; a violation names both layers so the fix is obvious.
import path from 'node:path';

/** Each layer and the layers it may import from (itself included). */
const allowedLayers = {
  shared: ['shared'],
  core: ['shared', 'core'],
  workers: ['shared', 'core', 'workers'],
  electron: ['shared', 'core', 'electron'],
  server: ['shared', 'core', 'server'],
  // `redub serve` starts the local API, so the command line may reach the server layer.
  cli: ['shared', 'core', 'server', 'cli'],
  'main-entry': ['shared', 'core', 'electron'],
  preload: ['shared', 'preload'],
  renderer: ['shared', 'renderer'],
};

/** Packages a layer may not import, whatever else it may. */
const forbiddenPackages = {
  shared: [/^node:/, /^electron$/, /^better-sqlite3$/, /^onnxruntime/],
  core: [/^electron$/],
  workers: [/^electron$/],
  server: [/^electron$/],
  cli: [/^electron$/],
  renderer: [/^node:/, /^electron$/],
};

export function layerOf(file) {
  const normalized = file.split(path.sep).join('/');
  const match = /(?:^|\/)(src-main|src-preload|src-renderer)\/(.*)$/.exec(normalized);
  if (!match) return null;
  const [, root, rest] = match;
  if (root === 'src-preload') return 'preload';
  if (root === 'src-renderer') return 'renderer';
  if (rest === 'index.ts') return 'main-entry';
  const folder = rest.split('/')[0];
  return folder in allowedLayers ? folder : null;
}

/** Within the renderer, features never import each other and stores never import features. */
function rendererViolation(fromFile, toFile) {
  const from = /src-renderer\/(features\/[^/]+|stores)\//.exec(fromFile.split(path.sep).join('/'));
  const to = /src-renderer\/features\/([^/]+)\//.exec(toFile.split(path.sep).join('/'));
  if (!from || !to) return null;
  if (from[1] === 'stores') return 'stores may not import features';
  if (from[1] !== `features/${to[1]}`) return 'features may not import each other';
  return null;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the layer import rules of ARCHITECTURE.md' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const layer = layerOf(file);
    if (!layer) return {};
    function check(node, source) {
      if (typeof source !== 'string') return;
      if (!source.startsWith('.')) {
        const banned = (forbiddenPackages[layer] ?? []).some((pattern) => pattern.test(source));
        if (banned) context.report({ node, message: `The ${layer} layer may not import "${source}".` });
        return;
      }
      const target = path.resolve(path.dirname(file), source);
      const targetLayer = layerOf(target);
      if (targetLayer && !allowedLayers[layer].includes(targetLayer)) {
        context.report({ node, message: `The ${layer} layer may not import from the ${targetLayer} layer ("${source}").` });
        return;
      }
      if (targetLayer === 'electron' && layer === 'electron') return;
      const rendererProblem = layer === 'renderer' ? rendererViolation(file, target) : null;
      if (rendererProblem) context.report({ node, message: `In the renderer, ${rendererProblem} ("${source}").` });
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
