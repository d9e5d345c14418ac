// Lazy loader for the native addon. `loadCpuKernels()` returns the binding, or null when the addon was not built
// (no BLAS at install time, POLYTASK_SKIP_NATIVE=1, or POLYTASK_NATIVE=0) or cannot be loaded; it never throws.
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

/** @returns {import('./index.js').CpuKernels | null} */
export function loadCpuKernels() {
  if (cached !== undefined) return cached;
  if (process.env.POLYTASK_NATIVE === '0') {
    loadError = new Error('disabled by POLYTASK_NATIVE=0');
    cached = null;
    return cached;
  }
  chooseOpenblasCore();
  for (const p of ['./build/Release/cpu_kernels.node', './build/Debug/cpu_kernels.node']) {
    try {
      cached = require(p);
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
