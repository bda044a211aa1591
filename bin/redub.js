#!/usr/bin/env node
// The `redub` command. The TypeScript sources are bundled by `npm install` (the prepare script);
// a missing bundle means that step did not run.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../out/node/cli.js', import.meta.url));
if (!existsSync(bundle)) {
  console.error('redub: the command is not built yet. Run `npm run build:node` in the Redub folder, then try again.');
  process.exit(2);
}
await import(bundle);
