// Runs Electronegativity on src-main and fails when it reports anything above LOW, or when it
// could not parse a file (a file it skips is a file it did not check). CI runs it; so can a
// person: `node scripts/scan-electron.mjs`. Findings reviewed as false positives are silenced
// in the code, on their lines, with Electronegativity's own `eng-disable` comments and a reason;
// README.md ("Security scanners") lists them.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const input = path.join(root, 'src-main');

/**
 * The scanner judges options against Electron's defaults for a version, and src-main has no
 * package.json to read it from; without one it assumes 0.1.0, where everything defaults unsafe.
 * The installed Electron's version when there is one, else the lowest the manifest allows.
 */
function electronVersion() {
  const installed = path.join(root, 'node_modules', 'electron', 'package.json');
  if (existsSync(installed)) return JSON.parse(readFileSync(installed, 'utf8')).version;
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const range = manifest.optionalDependencies?.electron ?? manifest.dependencies?.electron ?? manifest.devDependencies?.electron;
  const version = /\d+\.\d+\.\d+/.exec(range ?? '')?.[0];
  if (!version) throw new Error('package.json names no Electron version to scan against.');
  return version;
}

const runModule = require('@doyensec/electronegativity');
const run = runModule.default ?? runModule;
const version = electronVersion();
const result = await run({
  input,
  isRelative: true,
  electronVersionOverride: version,
  // It looks up Electron's release notes online, and needs a package.json that src-main lacks.
  excludeFromScan: ['availablesecurityfixesglobalcheck'],
});

const failedFiles = result.errors.filter((error) => !error.tolerable);
const blocking = result.issues.filter((issue) => issue.severity.value > 1);
console.log(`Electronegativity (${result.atomicChecks + result.globalChecks} checks, Electron ${version}) on src-main:`);
for (const issue of result.issues) {
  const mark = issue.severity.value > 1 ? 'FAIL' : 'ok  ';
  console.log(`  ${mark} ${issue.severity.name} ${issue.confidence.name} ${issue.id} ${issue.file}:${issue.location.line}:${issue.location.column} ${issue.description}`);
}
for (const error of failedFiles) console.log(`  FAIL could not parse ${error.file}: ${error.message}`);
if (blocking.length > 0 || failedFiles.length > 0) {
  console.log(`${blocking.length} finding(s) above LOW, ${failedFiles.length} file(s) not parsed. Fix them, or review one as a false positive and silence it on its line with "// eng-disable CHECK_ID" and the reason (README, "Security scanners").`);
  process.exit(1);
}
console.log(result.issues.length === 0 ? 'No findings.' : `Nothing above LOW (${result.issues.length} LOW or informational).`);
