#!/usr/bin/env node
// Builds the native addon with node-gyp when a CBLAS (OpenBLAS) is installed, with the oneDNN kernels as well when
// oneDNN's headers are (Debian/Ubuntu: libdnnl-dev). Never fails the install: without BLAS, or when the compile fails,
// it prints why and exits 0, and @polytask/core uses its plain-JS/wasm kernels; when only the oneDNN part fails to
// compile it builds the OpenBLAS-only addon. `node scripts/build.js --strict` exits 1 instead (CI uses it where BLAS
// and oneDNN are expected). POLYTASK_WITH_ONEDNN=0 builds the OpenBLAS-only addon even when oneDNN is installed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const strict = process.argv.includes('--strict');
const log = (msg) => console.log(`[@polytask/cpu-kernels] ${msg}`);

function giveUp(msg) {
  log(`${msg}; the JS/wasm kernels will be used.`);
  process.exit(strict ? 1 : 0);
}

if (process.env.POLYTASK_SKIP_NATIVE === '1') giveUp('POLYTASK_SKIP_NATIVE=1, not building the native addon');

const headerDirs = [
  '/usr/include',
  '/usr/include/openblas',
  '/usr/include/x86_64-linux-gnu',
  '/usr/include/aarch64-linux-gnu',
  '/usr/local/include',
  '/opt/homebrew/opt/openblas/include',
  '/usr/local/opt/openblas/include',
];
const header = headerDirs.map((d) => path.join(d, 'cblas.h')).find((p) => existsSync(p));
if (!header) giveUp('no cblas.h found (Debian/Ubuntu: apt-get install -y libopenblas-dev)');

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
// Use the installed Node headers when they are there, so no download is needed (offline machines).
const prefix = path.dirname(path.dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) {
  args.push(`--nodedir=${prefix}`);
}
const dnnlHeader =
  process.env.POLYTASK_WITH_ONEDNN === '0'
    ? undefined
    : headerDirs.map((d) => path.join(d, 'oneapi', 'dnnl', 'dnnl.hpp')).find((p) => existsSync(p));
const build = (onednn) => {
  log(`building with ${header}${onednn ? ` and ${onednn}` : ' (OpenBLAS only)'} (node-gyp ${args.slice(1).join(' ')})`);
  return spawnSync(process.execPath, args, {
    cwd: here,
    stdio: 'inherit',
    env: { ...process.env, POLYTASK_WITH_ONEDNN: onednn ? '1' : '0' },
  }).status;
};
let status = build(dnnlHeader);
if (status !== 0 && dnnlHeader) {
  if (strict) giveUp(`node-gyp failed with oneDNN (exit ${status})`);
  log(`node-gyp failed with oneDNN (exit ${status}); retrying without it`);
  status = build(undefined);
}
if (status !== 0) giveUp(`node-gyp failed (exit ${status})`);
if (strict && !dnnlHeader && process.env.POLYTASK_WITH_ONEDNN !== '0') {
  giveUp('no oneapi/dnnl/dnnl.hpp found (Debian/Ubuntu: apt-get install -y libdnnl-dev)');
}
log(`built build/Release/cpu_kernels.node (${dnnlHeader ? 'OpenBLAS + oneDNN' : 'OpenBLAS only'})`);
