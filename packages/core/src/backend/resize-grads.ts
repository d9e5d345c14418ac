import type * as tf from '@tensorflow/tfjs';
import { tensorAccess } from './tensor-access.js';

export interface ResizeAttrs {
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

/** Source-coordinate scale of one axis, as tfjs' resize forward kernels compute it. */
function axisScale(inSize: number, outSize: number, alignCorners: boolean): number {
  return alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
}

/** For each output index along one axis: the two source indices and the weight of the second (bilinear). */
export function bilinearTaps(inSize: number, outSize: number, { alignCorners, halfPixelCenters }: ResizeAttrs) {
  const scale = axisScale(inSize, outSize, alignCorners);
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const src = halfPixelCenters ? scale * (o + 0.5) - 0.5 : scale * o;
    lo[o] = Math.max(0, Math.floor(src));
    hi[o] = Math.min(inSize - 1, Math.ceil(src));
    frac[o] = src - lo[o]!;
  }
  return { lo, hi, frac };
}

/** For each output index along one axis: the source index nearest-neighbour resizing reads. */
export function nearestTaps(inSize: number, outSize: number, { alignCorners, halfPixelCenters }: ResizeAttrs): Int32Array {
  const scale = axisScale(inSize, outSize, alignCorners);
  const src = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const at = halfPixelCenters ? scale * (o + 0.5) : scale * o;
    let i = Math.min(inSize - 1, alignCorners ? Math.round(at) : Math.floor(at));
    if (halfPixelCenters) i = Math.max(0, i);
    src[o] = i;
  }
  return src;
}

interface ResizeDims {
  batch: number;
  inH: number;
  inW: number;
  depth: number;
  outH: number;
  outW: number;
}

type Scatter = (dy: ArrayLike<number>, dx: Float32Array, dims: ResizeDims, attrs: ResizeAttrs) => void;

/** A resize-gradient kernel: a zeroed dx shaped like `images`, into which `scatter` adds every element of dy. */
function resizeGradKernel(kernelName: string, backendName: string, kind: string, scatter: Scatter): tf.KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { images, dy } = inputs as { images: tf.TensorInfo; dy: tf.TensorInfo };
      const access = tensorAccess(backend, kind);
      if (!access) throw new Error(`${kernelName}: unsupported backend ${backendName}`);
      const [batch, inH, inW, depth] = images.shape as [number, number, number, number];
      const [, outH, outW] = dy.shape as [number, number, number, number];
      const out = access.makeOutput(images.shape, 'float32');
      const dx = access.view(out) as Float32Array;
      dx.fill(0);
      scatter(access.view(dy), dx, { batch, inH, inW, depth, outH, outW }, attrs as unknown as ResizeAttrs);
      return out;
    },
  };
}

/**
 * ResizeBilinearGrad as the exact adjoint of tfjs' forward kernel: every dy element is scattered to the four pixels it
 * was interpolated from. tfjs 4.22's own gradient kernels (cpu and wasm) ignore `halfPixelCenters` and return a wrong
 * gradient for PyTorch-style `align_corners=False` upsampling, the one segmentation heads use.
 */
export function resizeBilinearGradKernel(backendName: string, kind: string): tf.KernelConfig {
  return resizeGradKernel('ResizeBilinearGrad', backendName, kind, (g, dx, { batch, inH, inW, depth, outH, outW }, attrs) => {
    const rows = bilinearTaps(inH, outH, attrs);
    const cols = bilinearTaps(inW, outW, attrs);
    let k = 0;
    for (let b = 0; b < batch; b++) {
      const base = b * inH;
      for (let r = 0; r < outH; r++) {
        const top = (base + rows.lo[r]!) * inW;
        const bottom = (base + rows.hi[r]!) * inW;
        const fr = rows.frac[r]!;
        for (let c = 0; c < outW; c++) {
          const fc = cols.frac[c]!;
          const tl = (top + cols.lo[c]!) * depth;
          const tr = (top + cols.hi[c]!) * depth;
          const bl = (bottom + cols.lo[c]!) * depth;
          const br = (bottom + cols.hi[c]!) * depth;
          const wTl = (1 - fr) * (1 - fc);
          const wTr = (1 - fr) * fc;
          const wBl = fr * (1 - fc);
          const wBr = fr * fc;
          for (let d = 0; d < depth; d++) {
            const v = g[k++]!;
            dx[tl + d] = dx[tl + d]! + v * wTl;
            dx[tr + d] = dx[tr + d]! + v * wTr;
            dx[bl + d] = dx[bl + d]! + v * wBl;
            dx[br + d] = dx[br + d]! + v * wBr;
          }
        }
      }
    }
  });
}

/**
 * ResizeNearestNeighborGrad as the exact adjoint of tfjs' forward kernel (each dy element added to the pixel it was
 * copied from). tfjs 4.22's cpu kernel is wrong for batch > 1 and ignores `halfPixelCenters`.
 */
export function resizeNearestNeighborGradKernel(backendName: string, kind: string): tf.KernelConfig {
  return resizeGradKernel('ResizeNearestNeighborGrad', backendName, kind, (g, dx, { batch, inH, inW, depth, outH, outW }, attrs) => {
    const rows = nearestTaps(inH, outH, attrs);
    const cols = nearestTaps(inW, outW, attrs);
    let k = 0;
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < outH; r++) {
        const row = (b * inH + rows[r]!) * inW;
        for (let c = 0; c < outW; c++) {
          const at = (row + cols[c]!) * depth;
          for (let d = 0; d < depth; d++) dx[at + d] = dx[at + d]! + g[k++]!;
        }
      }
    }
  });
}
