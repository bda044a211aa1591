// Builds `redub/client` into out/client: one ESM bundle for Node ≥ 20 and browsers alike
// (platform neutral: it uses only fetch, streams and AbortSignal), and declaration files made by
// the TypeScript compiler from the same sources, so a consumer gets the contract's types.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import ts from 'typescript';

const entry = 'src-main/shared/client/index.ts';

rmSync('out/client', { recursive: true, force: true });
await build({
  entryPoints: { index: entry },
  outdir: 'out/client',
  bundle: true,
  platform: 'neutral',
  format: 'esm',
  target: 'es2022',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});

const program = ts.createProgram([entry], {
  declaration: true,
  emitDeclarationOnly: true,
  rootDir: 'src-main/shared',
  outDir: 'out/client/types',
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: [],
  strict: true,
  skipLibCheck: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
});
const { diagnostics } = program.emit();
const problems = [...ts.getPreEmitDiagnostics(program), ...diagnostics].filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
if (problems.length > 0) {
  const host = { getCanonicalFileName: (name) => name, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' };
  throw new Error(`The client's declarations did not build:\n${ts.formatDiagnostics(problems, host)}`);
}
