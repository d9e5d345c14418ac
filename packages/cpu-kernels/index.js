// Lazy loader for the native addon. `loadCpuKernels()` returns the binding, or null when the addon was not built
// (no BLAS at install time, POLYTASK_SKIP_NATIVE=1), is switched off (POLYTASK_KERNELS=none or POLYTASK_NATIVE=0)
// or cannot be loaded; it never throws. POLYTASK_KERNELS=openblas hides the oneDNN kernels of an addon built with
// them (the OpenBLAS path only); POLYTASK_NUM_THREADS=n sets the thread count of both libraries.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

const require = createRequire(import.meta.url);
let cached;
let loadError = null;

/**
 * OpenBLAS 0.3.21 (Debian 12) does not know AMD Zen 4/5 and falls back to its Haswell (AVX2) kernels, about half the
 * speed of its AVX-512 (SkylakeX) kernels there. Pick SkylakeX when the CPU has the AVX-512 subsets those kernels use
 * and the user chose nothing. Must run before libopenblas is loaded (it reads the variable once, at load).
 */
function chooseOpenblasCore() {
  if (process.env.OPENBLAS_CORETYPE || process.platform !== 'linux' || os.arch() !== 'x64') return;
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    const flags = new Set((/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? '').trim().split(/\s+/));
    if (['avx512f', 'avx512bw', 'avx512dq', 'avx512vl', 'avx512cd'].every((f) => flags.has(f))) {
      process.env.OPENBLAS_CORETYPE = 'SkylakeX';
    }
  } catch {
    // not Linux /proc: leave OpenBLAS' own detection
  }
}

const PATHS = ['onednn', 'openblas', 'none'];

/**
 * The kernel path asked for by POLYTASK_KERNELS: 'onednn' (the default: oneDNN where the addon has it, OpenBLAS for
 * the rest), 'openblas' (the addon without its oneDNN kernels) or 'none' (no addon: the backends' own kernels).
 * Throws on any other value.
 */
export function requestedKernelPath() {
  const raw = (process.env.POLYTASK_KERNELS ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'auto') return process.env.POLYTASK_NATIVE === '0' ? 'none' : 'onednn';
  if (!PATHS.includes(raw)) {
    throw new Error(`POLYTASK_KERNELS='${process.env.POLYTASK_KERNELS}': use one of ${PATHS.join(', ')} (or leave it unset)`);
  }
  return raw;
}

/** The addon without its oneDNN kernels: what POLYTASK_KERNELS=openblas runs (and what tests compare against). */
export function withoutOneDnn(binding) {
  const o = {};
  for (const name of Object.getOwnPropertyNames(binding)) if (!name.startsWith('dnnl')) o[name] = binding[name];
  o.info = () => ({ ...binding.info(), onednn: null });
  return Object.freeze(o);
}

/** Thread count from POLYTASK_NUM_THREADS (an integer >= 1), or undefined when unset. */
function requestedThreads() {
  const raw = process.env.POLYTASK_NUM_THREADS;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`POLYTASK_NUM_THREADS='${raw}': expected an integer >= 1`);
  return n;
}

/**
 * oneDNN and the element-wise loops run on OpenMP (libgomp), whose idle threads by default spin for 300 000 rounds
 * (milliseconds) after every parallel region before they sleep. Between two parallel calls the step runs
 * single-threaded wasm kernels and OpenBLAS calls, and a long spin took a core from OpenBLAS' own threads: the recsys
 * step measured 217–221 ms spinning vs 149–155 ms with GOMP_SPINCOUNT=30000 or OMP_WAIT_POLICY=passive. Sleeping at
 * once costs a futex wake-up per call instead (tens of µs; a vision step makes ~150 such calls): vision measured
 * 104–116 ms with 30 000 rounds vs 119–124 ms passive, nlp the same either way (quiet 2-core Xeon, 2026-12-02). So:
 * a short spin (GOMP_SPINCOUNT=30000) unless the user chose a policy. Must run before libgomp is loaded (it reads
 * the environment once).
 */
function chooseOmpWaitPolicy() {
  if (process.env.OMP_WAIT_POLICY === undefined && process.env.GOMP_SPINCOUNT === undefined) {
    process.env.GOMP_SPINCOUNT = '30000';
  }
}

/** @returns {import('./index.js').CpuKernels | null} */
export function loadCpuKernels() {
  if (cached !== undefined) return cached;
  let path;
  let threads;
  try {
    path = requestedKernelPath();
    threads = requestedThreads();
  } catch (e) {
    loadError = e;
    cached = null;
    return cached;
  }
  if (path === 'none') {
    loadError = new Error(process.env.POLYTASK_NATIVE === '0' ? 'disabled by POLYTASK_NATIVE=0' : 'disabled by POLYTASK_KERNELS=none');
    cached = null;
    return cached;
  }
  chooseOpenblasCore();
  chooseOmpWaitPolicy();
  for (const p of ['./build/Release/cpu_kernels.node', './build/Debug/cpu_kernels.node']) {
    try {
      const binding = require(p);
      if (threads !== undefined) binding.setThreads(threads);
      cached = path === 'openblas' ? withoutOneDnn(binding) : binding;
      loadError = null;
      return cached;
    } catch (e) {
      loadError = e;
    }
  }
  cached = null;
  return cached;
}

/** Why the last `loadCpuKernels()` returned null (undefined reason when it loaded). */
export function loadFailure() {
  return loadError ? String(loadError.message ?? loadError).split('\n')[0] : undefined;
}

/** Activation codes of `epilogue`/`conv2d`, in the order of the C enum. */
export const Activation = Object.freeze({ linear: 0, relu: 1, relu6: 2, elu: 3, leakyrelu: 4, prelu: 5, sigmoid: 6 });
