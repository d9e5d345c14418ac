#!/usr/bin/env node
// Builds the MPI addon with node-gyp against the system MPI (Debian/Ubuntu: apt-get install libopenmpi-dev).
// Never fails the install: without MPI, or when the compile fails, it prints why and exits 0 (training then runs on
// one process). `node scripts/build.js --strict` exits 1 instead (CI uses it where MPI is expected).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mpiFlags } from './flags.js';

const here = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const strict = process.argv.includes('--strict');
const log = (msg) => console.log(`[@polytask/mpi] ${msg}`);

function giveUp(msg) {
  log(`${msg}; data-parallel training over MPI is not available.`);
  process.exit(strict ? 1 : 0);
}

if (process.env.POLYTASK_SKIP_NATIVE === '1') giveUp('POLYTASK_SKIP_NATIVE=1, not building the native addon');
const compile = mpiFlags('compile');
if (compile === null) giveUp('no MPI found (Debian/Ubuntu: apt-get install -y openmpi-bin libopenmpi-dev)');

function findNodeGyp() {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {}
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  const prefix = path.dirname(path.dirname(process.execPath));
  for (const p of [
    path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(prefix, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ]) {
    if (existsSync(p)) return p;
  }
  return null;
}

const gyp = findNodeGyp();
if (!gyp) giveUp('node-gyp not found (it ships with npm; or npm install -g node-gyp)');
const args = [gyp, 'rebuild'];
// The installed Node headers, so no download is needed (offline machines).
const prefix = path.dirname(path.dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
log(`building against ${compile} (node-gyp ${args.slice(1).join(' ')})`);
const res = spawnSync(process.execPath, args, { cwd: here, stdio: 'inherit' });
if (res.status !== 0) giveUp(`node-gyp failed (exit ${res.status})`);
log('built build/Release/polytask_mpi.node');
