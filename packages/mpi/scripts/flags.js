#!/usr/bin/env node
// Compiler or linker flags of the system MPI, for binding.gyp: `node scripts/flags.js compile|link`.
// Open MPI's wrapper (`mpicc --showme:*`) first, then pkg-config (ompi, mpich), then MPICH's wrapper.
// Prints nothing and exits 1 when no MPI is found.
import { spawnSync } from 'node:child_process';

const which = process.argv[2] === 'link' ? 'link' : 'compile';
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
};

export function mpiFlags(kind) {
  const openmpi = run('mpicc', [`--showme:${kind}`]);
  if (openmpi) return openmpi;
  for (const pkg of ['ompi-c', 'ompi', 'mpich']) {
    const flags = run('pkg-config', [kind === 'link' ? '--libs' : '--cflags', pkg]);
    if (flags !== null) return flags;
  }
  const mpich = run('mpicc', [kind === 'link' ? '-link_info' : '-compile_info']);
  if (mpich) {
    const words = mpich.split(/\s+/).slice(1);
    return words.filter((w) => (kind === 'link' ? /^-[lLW]/.test(w) : /^-[ID]/.test(w))).join(' ');
  }
  return null;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const flags = mpiFlags(which);
  if (flags === null) process.exit(1);
  process.stdout.write(`${flags}\n`);
}
