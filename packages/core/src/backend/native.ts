import type { NativeKernels } from './blas-kernels.js';

interface CpuKernelsModule {
  loadCpuKernels(): NativeKernels | null;
  loadFailure(): string | undefined;
}

export interface NativeLoad {
  kernels: NativeKernels | null;
  /** Why there is no native path (not installed, not built, disabled), when kernels is null. */
  reason?: string;
}

let cached: Promise<NativeLoad> | undefined;

/**
 * Loads the optional @polytask/cpu-kernels addon. Never throws: a missing package, an addon that was not built (no
 * BLAS at install time), POLYTASK_KERNELS=none or POLYTASK_NATIVE=0 give `{ kernels: null, reason }`;
 * POLYTASK_KERNELS=openblas gives the binding without its oneDNN kernels.
 */
export function loadNativeKernels(): Promise<NativeLoad> {
  cached ??= (async () => {
    const specifier = '@polytask/cpu-kernels';
    try {
      const mod = (await import(specifier)) as CpuKernelsModule;
      const kernels = mod.loadCpuKernels();
      if (kernels) return { kernels };
      const failure = mod.loadFailure() ?? 'not built';
      // Only suggest building when it was not switched off on purpose.
      const hint = /disabled by|POLYTASK_/.test(failure)
        ? ''
        : '; build it with `npm run build:native` after installing libopenblas-dev (and libdnnl-dev)';
      return { kernels: null, reason: `addon not loaded (${failure})${hint}` };
    } catch (e) {
      return { kernels: null, reason: `${specifier} is not installed (${(e as Error).message.split('\n')[0]})` };
    }
  })();
  return cached;
}
