import type * as tf from '@tensorflow/tfjs';
import { sizeFromShape, tensorAccess } from './tensor-access.js';

/**
 * UnsortedSegmentSum as one O(n) scatter-add pass: out[ids[i], ...] += x[i, ...]. This is the gradient of every
 * tf.gather / embedding lookup. The wasm backend has no such kernel and the cpu backend's loops once per segment
 * (numSegments × full passes: minutes for a 260k-row embedding table), so both get this one.
 * Ids outside [0, numSegments) are dropped, as in TensorFlow.
 */
export function unsortedSegmentSumKernel(backendName: string, kind: string): tf.KernelConfig {
  return {
    kernelName: 'UnsortedSegmentSum',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      const access = tensorAccess(backend, kind);
      if (!access) throw new Error(`UnsortedSegmentSum: unsupported backend ${backendName}`);
      const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
      const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
      if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum: dtype ${x.dtype} not supported`);
      const out = access.makeOutput(outShape, dtype);
      const outV = access.view(out);
      outV.fill(0);
      const n = sizeFromShape(segmentIds.shape);
      if (n === 0 || sizeFromShape(outShape) === 0) return out;
      const xV = access.view(x);
      const ids = access.view(segmentIds);
      const inner = xV.length / n;
      if (inner === 1) {
        for (let i = 0; i < n; i++) {
          const s = ids[i]!;
          if (s >= 0 && s < numSegments) outV[s] = outV[s]! + xV[i]!;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const s = ids[i]!;
          if (s < 0 || s >= numSegments) continue;
          const o = s * inner;
          const xi = i * inner;
          for (let j = 0; j < inner; j++) outV[o + j] = outV[o + j]! + xV[xi + j]!;
        }
      }
      return out;
    },
  };
}
