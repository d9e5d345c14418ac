import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { copyKernels } from './copy-kernels.js';
import { resizeBilinearGradKernel, resizeNearestNeighborGradKernel } from './resize-grads.js';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';

/** Backend kinds whose storage the JS kernels can address. */
export function backendKind(backendName: string): 'wasm' | 'cpu' | null {
  if (backendName === 'wasm' || backendName.startsWith('wasm')) return 'wasm';
  if (backendName === 'cpu' || backendName.startsWith('cpu')) return 'cpu';
  return null;
}

function replace(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
  tf.registerKernel(config);
}

/**
 * Registers the pure-JS kernels the embedded backends need to train the reference workloads:
 * - UnsortedSegmentSum (gradient of tf.gather): missing on wasm, per-segment loops on cpu → O(n) scatter-add on both;
 * - Conv2DBackpropFilter: missing on wasm → im2col + the backend's BatchMatMul;
 * - Slice, Unpack, Tile on wasm: the stock ones copy the whole input out of the heap per slice / index per element;
 * - Identity, same-dtype Cast on wasm: the stock ones copy; the tape clones every tensor a gradient keeps → shared;
 * - ResizeBilinearGrad, ResizeNearestNeighborGrad on both: the stock ones ignore halfPixelCenters (and cpu's nearest
 *   one is wrong for batch > 1), so upsampling layers trained with wrong gradients.
 * Returns the kernel names it registered. Safe to call again (re-registers the same kernels).
 */
export function registerMissingKernels(backendName: string): string[] {
  const kind = backendKind(backendName);
  if (!kind) return [];
  const done: string[] = [];
  for (const k of [
    unsortedSegmentSumKernel(backendName, kind),
    resizeBilinearGradKernel(backendName, kind),
    resizeNearestNeighborGradKernel(backendName, kind),
  ]) {
    replace(k);
    done.push(k.kernelName);
  }
  if (kind === 'wasm') {
    for (const k of copyKernels(backendName, kind)) {
      replace(k);
      done.push(k.kernelName);
    }
    const existing = tf.getKernel('Conv2DBackpropFilter', backendName);
    // Leave a native override (registered by the BLAS kernels) in place.
    if ((existing as { polytask?: string } | undefined)?.polytask !== 'blas') {
      replace(conv2dBackpropFilterKernel(backendName, kind));
      done.push('Conv2DBackpropFilter');
    }
  }
  return done;
}
