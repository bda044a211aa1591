// `npm start`: runs the desktop app in development (electron-vite's dev server, Electron on top)
// when Electron is installed. Electron is an optional dependency whose install downloads its
// binary; without a network that download fails and npm drops the package, so say so plainly
// and point at the browser UI, which needs no Electron.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The Electron executable, or null when the package or its downloaded binary is missing. */
function electronBinary() {
  let packageFolder;
  try {
    packageFolder = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  // electron's installer writes path.txt (the executable inside dist/) once the download succeeded.
  const pathFile = path.join(packageFolder, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(packageFolder, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

if (!electronBinary()) {
  console.error(
    'Electron is not installed on this machine (its download needs a network). On a machine with internet, ' +
      'run `npm install` again, then `npm start`. Meanwhile use the same Redub from a browser: `npx redub serve`, ' +
      'then open the URL it prints.',
  );
  process.exit(1);
}

// better-sqlite3 is compiled for Node's ABI (the CLI and the tests use it); Electron's main process
// needs it compiled for Electron. Rebuild it for Electron before starting, and for Node again
// when the app exits, so `npx redub` and `npm test` keep working after a desktop session.
function run(command, args) {
  return new Promise((resolve) => {
    const step = spawn(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
    step.on('exit', (code) => resolve(code ?? 1));
  });
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const electronBuilder = path.join(path.dirname(require.resolve('electron-builder/package.json')), 'cli.js');
console.log('Rebuilding native modules for Electron…');
if ((await run(process.execPath, [electronBuilder, 'install-app-deps'])) !== 0) {
  console.error('Rebuilding native modules for Electron failed; see the messages above.');
  process.exit(1);
}

// electron-vite exports no subpaths beyond its package.json, so its CLI is found next to that.
const electronVite = path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
const child = spawn(process.execPath, [electronVite, 'dev', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', async (code, signal) => {
  console.log('Rebuilding native modules for Node again (for the redub command and the tests)…');
  await run(npm, ['rebuild', 'better-sqlite3']);
  process.exit(code ?? (signal ? 1 : 0));
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
