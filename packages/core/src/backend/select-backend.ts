import * as tf from '@tensorflow/tfjs';
import { PolytaskError } from '../util/errors.js';
import { logInfo } from '../util/log.js';
import { C_LOOP_KERNELS, hasOneDnn, registerBlasKernels } from './blas-kernels.js';
import { registerMissingKernels } from './missing-kernels.js';
import { loadNativeKernels } from './native.js';

export interface BackendInfo {
  /** tfjs backend name now active: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /**
   * Which native kernels are registered on it: 'onednn' (oneDNN convolutions and batch norm, OpenBLAS matmuls),
   * 'blas' (OpenBLAS only) or 'none' (the backend's own kernels). POLYTASK_KERNELS=onednn|openblas|none chooses.
   */
  fastKernels: 'onednn' | 'blas' | 'none';
  /** One human-readable line: what was chosen and why. */
  detail: string;
}

export interface SelectBackendOptions {
  /** 'auto' (default), 'tensorflow-gpu', 'tensorflow', 'wasm' or 'cpu'. Overrides POLYTASK_BACKEND. */
  backend?: string;
  /** Where the one line saying which backend is active goes (default: the Polytask log on stderr). */
  log?: (msg: string) => void;
}

export const BACKEND_NAMES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * The embedded backend used when no TensorFlow binding is installed. Chosen by measurement (bench/RESULTS.md): with
 * the BLAS kernels both spend their GEMM time in OpenBLAS, and wasm's C element-wise kernels beat the cpu backend's
 * JS ones on the reference workloads.
 */
export const EMBEDDED_DEFAULT: 'wasm' | 'cpu' = 'wasm';

let current: { request: string; info: BackendInfo } | undefined;
let inFlight: Promise<BackendInfo> | undefined;

function parseName(raw: string | undefined, source: string): BackendName {
  // An empty value (`POLYTASK_BACKEND=`) means unset, as in most shells' idiom.
  const name = (raw ?? '').trim().toLowerCase() || 'auto';
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new PolytaskError(`unknown backend '${raw}' (from ${source}); use one of: ${BACKEND_NAMES.join(', ')}`);
  }
  return name as BackendName;
}

async function importOptional(specifier: string): Promise<unknown | null> {
  try {
    return await import(specifier);
  } catch {
    return null;
  }
}

async function tryTensorflow(gpu: boolean): Promise<BackendInfo | null> {
  const pkg = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  if (!(await importOptional(pkg))) return null;
  if (!(await tf.setBackend('tensorflow'))) return null;
  await tf.ready();
  return {
    name: 'tensorflow',
    fastKernels: 'none',
    detail: `backend: tensorflow (${pkg}, native TensorFlow${gpu ? ' with CUDA' : ''}); native kernels: not needed`,
  };
}

async function setupEmbedded(name: 'wasm' | 'cpu', why: string): Promise<BackendInfo> {
  if (name === 'wasm') {
    try {
      await import('@tensorflow/tfjs-backend-wasm');
    } catch (e) {
      throw new PolytaskError(
        `backend 'wasm' is not available: @tensorflow/tfjs-backend-wasm failed to load (${(e as Error).message}); ` +
          `reinstall @polytask/core's dependencies (npm install) or use --backend cpu`,
      );
    }
  }
  if (!(await tf.setBackend(name))) {
    throw new PolytaskError(`backend '${name}' failed to initialise; try POLYTASK_BACKEND=${name === 'wasm' ? 'cpu' : 'wasm'}`);
  }
  await tf.ready();
  const missing = registerMissingKernels(name);
  const native = await loadNativeKernels();
  let fastKernels: BackendInfo['fastKernels'] = 'none';
  let blas = `native kernels: off (${native.reason ?? 'not available'})`;
  let jsKernels = missing;
  if (native.kernels) {
    const reg = registerBlasKernels(name, native.kernels);
    jsKernels = missing.filter((k) => !reg.kernels.includes(k)); // the ones the addon now runs
    const i = native.kernels.info();
    const openblas = `OpenBLAS ${i.core}, ${i.threads} threads`;
    if (hasOneDnn(native.kernels) && i.onednn) {
      fastKernels = 'onednn';
      blas =
        `native kernels: oneDNN ${i.onednn.version} (${i.onednn.isa}, ${i.onednn.threads} threads: convolutions, batch norm, ` +
        `large element-wise ops) + ${openblas} (${reg.kernels.filter((k) => k.includes('MatMul')).join(', ')})`;
    } else {
      fastKernels = 'blas';
      const why =
        process.env.POLYTASK_KERNELS?.trim().toLowerCase() === 'openblas' ? 'POLYTASK_KERNELS=openblas' : 'addon built without it';
      blas = `native kernels: ${openblas} (oneDNN: off, ${why})`;
    }
    const own = reg.kernels.filter((k) => C_LOOP_KERNELS.includes(k));
    if (own.length > 0) blas += ` + C loops (${own.join(', ')})`;
  }
  return {
    name,
    fastKernels,
    detail: `backend: ${name} (${why}; JS kernels: ${jsKernels.join(', ') || 'none'}); ${blas}`,
  };
}

async function choose(request: BackendName): Promise<BackendInfo> {
  switch (request) {
    case 'tensorflow-gpu': {
      const info = await tryTensorflow(true);
      if (!info) {
        throw new PolytaskError(
          "backend 'tensorflow-gpu' is not available: install @tensorflow/tfjs-node-gpu@4.22.0 " +
            '(Linux x64 with CUDA 11.2 + cuDNN 8.1 and internet access for its prebuilt binary): ' +
            'npm install @tensorflow/tfjs-node-gpu@4.22.0',
        );
      }
      return info;
    }
    case 'tensorflow': {
      const info = await tryTensorflow(false);
      if (!info) {
        throw new PolytaskError(
          "backend 'tensorflow' is not available: install @tensorflow/tfjs-node@4.22.0 " +
            '(needs internet access to download libtensorflow at install): npm install @tensorflow/tfjs-node@4.22.0',
        );
      }
      return info;
    }
    case 'wasm':
    case 'cpu':
      return setupEmbedded(request, 'requested');
    case 'auto':
      return (
        (await tryTensorflow(true)) ??
        (await tryTensorflow(false)) ??
        (await setupEmbedded(EMBEDDED_DEFAULT, 'embedded default, no @tensorflow/tfjs-node(-gpu) installed'))
      );
  }
}

/**
 * Picks and initialises the TensorFlow.js backend. Order: `options.backend` > env POLYTASK_BACKEND >
 * @tensorflow/tfjs-node-gpu > @tensorflow/tfjs-node > the embedded default, with the JS kernels the embedded backends
 * lack and, when @polytask/cpu-kernels is built, the native BLAS kernels. Logs one line. A second call with the same
 * (or no) request returns the same info and does not log again.
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendInfo> {
  const request =
    options.backend !== undefined
      ? parseName(options.backend, 'the backend option')
      : parseName(process.env.POLYTASK_BACKEND, 'POLYTASK_BACKEND');
  // Wait until no selection is running. A single check let a third concurrent call start its own choose() while a
  // second one was switching (two tf.setBackend races), or return the stale `current` it found meanwhile.
  while (inFlight) await inFlight.catch(() => undefined);
  if (current && (request === 'auto' || request === current.request || matches(request, current.info))) {
    return current.info;
  }
  inFlight = choose(request);
  try {
    const info = await inFlight;
    current = { request, info };
    (options.log ?? logInfo)(info.detail);
    return info;
  } finally {
    inFlight = undefined;
  }
}

function matches(request: BackendName, info: BackendInfo): boolean {
  if (request === 'wasm' || request === 'cpu') return info.name === request;
  if (request === 'tensorflow') return info.name === 'tensorflow' && !info.detail.includes('-gpu');
  return info.name === 'tensorflow' && info.detail.includes('-gpu');
}

/** Forgets the selection (tests): the next selectBackend chooses and logs again. Registered kernels stay. */
export function resetBackendSelection(): void {
  current = undefined;
}
