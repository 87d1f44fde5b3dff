#!/usr/bin/env node
/* global process, URL */
/**
 * `npm run build` (and `npm start`, with --if-stale): compile with tsc into a fresh folder beside
 * `dist/`, make the command line executable, then swap the folders, so that `dist/` is never
 * half-written or deleted under a process that runs from it (a server started from it keeps
 * running; the old folder is removed after the swap). With --if-stale nothing is compiled when
 * `dist/` is newer than every source (src, bench, tools, the tsconfig files, package.json).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
const SOURCES = ['src', 'bench', 'tools', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** The newest modification time among the sources (ms). */
function newestSource() {
  let newest = 0;
  const visit = (p) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else if (st.mtimeMs > newest) newest = st.mtimeMs;
  };
  for (const s of SOURCES) if (existsSync(join(root, s))) visit(join(root, s));
  return newest;
}

const ifStale = process.argv.includes('--if-stale');
const newest = newestSource();
if (ifStale && existsSync(stamp) && Number(readFileSync(stamp, 'utf8')) >= newest) process.exit(0);

const tmp = join(root, `.dist-build-${process.pid}`);
rmSync(tmp, { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', tmp], { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(tmp, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}
// The command line is `npx ttp-cds` (package.json bin): tsc writes files without the exec bit.
chmodSync(join(tmp, 'src', 'cli', 'main.js'), 0o755);
writeFileSync(join(tmp, '.build-stamp'), String(newest));
// Swap: the old folder out, the new one in. Two builds at once (the sandbox steps start two scripts)
// each swap their own complete folder in; whichever is last stays, and neither fails.
const old = join(root, `.dist-old-${process.pid}`);
for (let tries = 0; ; tries++) {
  try {
    if (existsSync(dist)) renameSync(dist, old);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  try {
    renameSync(tmp, dist);
    break;
  } catch (e) {
    if (tries > 20 || !['ENOTEMPTY', 'EEXIST', 'EPERM'].includes(e.code)) throw e;
  }
}
rmSync(old, { recursive: true, force: true });
