import type * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type TypedArray = Float32Array | Int32Array | Uint8Array;

/**
 * Zero-copy access to a backend's tensor storage for kernels written outside the backend (pure JS or the native
 * addon). On wasm the data lives in the wasm heap: views are taken with the backend's `typedArrayFromHeap`, and since
 * allocating (makeOutput) can grow the heap and detach earlier views, callers allocate every output first and take
 * views afterwards. On cpu the data are plain typed arrays in `backend.data`.
 */
export interface TensorAccess {
  /** Allocates an output tensor (contents undefined on wasm; zeros on cpu). */
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  /** A view of the tensor's values. Take views after the last allocation of the kernel. */
  view(t: TensorInfo): TypedArray;
  /** Frees an intermediate created by this kernel. */
  dispose(t: TensorInfo): void;
}

interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): TypedArray;
  disposeData(dataId: object, force?: boolean): boolean;
}

interface CpuLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: unknown): TensorInfo;
  disposeIntermediateTensorInfo(t: TensorInfo): void;
}

function size(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function zeros(n: number, dtype: tf.DataType): TypedArray {
  if (dtype === 'int32') return new Int32Array(n);
  if (dtype === 'bool') return new Uint8Array(n);
  return new Float32Array(n);
}

/** Access for a backend object given its registered kind ('wasm' or 'cpu'); null for other backends. */
export function tensorAccess(backend: unknown, kind: string): TensorAccess | null {
  if (kind === 'wasm') {
    const b = backend as WasmLike;
    if (typeof b.typedArrayFromHeap !== 'function') return null;
    return {
      makeOutput: (shape, dtype) => b.makeOutput(shape, dtype),
      view: (t) => b.typedArrayFromHeap(t),
      dispose: (t) => void b.disposeData(t.dataId),
    };
  }
  if (kind === 'cpu') {
    const b = backend as CpuLike;
    if (typeof b.makeTensorInfo !== 'function') return null;
    return {
      makeOutput: (shape, dtype) => b.makeTensorInfo(shape, dtype, zeros(size(shape), dtype)),
      view: (t) => {
        const v = b.data.get(t.dataId).values;
        if (!(v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array)) {
          throw new Error(`polytask kernels: tensor ${t.shape} (${t.dtype}) has no typed-array storage on cpu`);
        }
        return v;
      },
      dispose: (t) => b.disposeIntermediateTensorInfo(t),
    };
  }
  return null;
}

export function sizeFromShape(shape: readonly number[]): number {
  return size(shape as number[]);
}
