import * as tf from '@tensorflow/tfjs';
import { sizeFromShape, tensorAccess } from './tensor-access.js';

type Typed = Float32Array | Int32Array | Uint8Array;

function strides(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** out = x[begin : begin + size], copying contiguous runs of the innermost dimension. */
export function sliceInto(x: Typed, shape: number[], begin: number[], size: number[], out: Typed): void {
  const rank = shape.length;
  const n = sizeFromShape(size);
  if (n === 0) return;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  const xs = strides(shape);
  // Merge the trailing dimensions that are taken whole into one run.
  let run = size[rank - 1]!;
  let last = rank - 1;
  while (last > 0 && size[last] === shape[last] && begin[last] === 0) {
    last--;
    run *= size[last]!;
  }
  const idx = new Array<number>(last).fill(0);
  let base = 0;
  for (let d = 0; d <= last; d++) base += begin[d]! * xs[d]!;
  for (let o = 0; o < n; o += run) {
    let off = base;
    for (let d = 0; d < last; d++) off += idx[d]! * xs[d]!;
    out.set(x.subarray(off, off + run), o);
    for (let d = last - 1; d >= 0; d--) {
      if (++idx[d]! < size[d]!) break;
      idx[d] = 0;
    }
  }
}

/** out = tile(x, reps): each level is written once and then replicated with copyWithin. */
export function tileInto(x: Typed, shape: number[], reps: number[], out: Typed): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  const outShape = shape.map((d, i) => d * reps[i]!);
  if (sizeFromShape(outShape) === 0) return;
  const xs = strides(shape);
  const os = strides(outShape);
  const rec = (d: number, xOff: number, oOff: number): void => {
    const block = shape[d]! * os[d]!;
    if (d === rank - 1) {
      out.set(x.subarray(xOff, xOff + shape[d]!), oOff);
    } else {
      for (let i = 0; i < shape[d]!; i++) rec(d + 1, xOff + i * xs[d]!, oOff + i * os[d]!);
    }
    for (let r = 1; r < reps[d]!; r++) out.copyWithin(oOff + r * block, oOff, oOff + block);
  };
  rec(0, 0, 0);
}

interface SharesData {
  incRef(dataId: object): void;
}

/**
 * Slice, Unpack, Tile, Identity and Cast for the wasm backend. Its Slice reads the whole input with readSync (a full
 * copy out of the wasm heap) for every slice, so unstacking an [L, …] tensor costs L full copies; its Tile computes an
 * index per element. These copy contiguous runs straight between heap views. Its Identity and same-dtype Cast copy the
 * whole tensor, and the autodiff tape clones (Identity) every tensor a gradient keeps, and the stock gradients of Mul
 * and Relu cast float32 to float32: about 200 full copies per step of a conv net. Tensors are immutable and the
 * backend counts references per buffer (its Reshape shares), so these two share the input's buffer, as the cpu
 * backend's do. String tensors go to the backend's own kernels.
 */
export function copyKernels(backendName: string, kind: string): tf.KernelConfig[] {
  const stock = (name: string) => tf.getKernel(name, backendName);
  const slice: tf.KernelConfig = {
    kernelName: 'Slice',
    backendName,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const x = inputs.x as tf.TensorInfo;
      const access = tensorAccess(backend, kind);
      const fallback = (slice as { stock?: tf.KernelConfig }).stock;
      if (!access || x.dtype === 'string' || x.dtype === 'complex64') return fallback!.kernelFunc(args);
      const a = attrs as unknown as { begin: number | number[]; size?: number | number[] };
      const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, a.begin, a.size);
      const out = access.makeOutput(size as number[], x.dtype);
      sliceInto(access.view(x), x.shape, begin as number[], size as number[], access.view(out));
      return out;
    },
  };
  const unpack: tf.KernelConfig = {
    kernelName: 'Unpack',
    backendName,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const value = inputs.value as tf.TensorInfo;
      const access = tensorAccess(backend, kind);
      const fallback = (unpack as { stock?: tf.KernelConfig }).stock;
      if (!access || value.dtype === 'string' || value.dtype === 'complex64') return fallback!.kernelFunc(args);
      let axis = (attrs as unknown as { axis: number }).axis;
      if (axis < 0) axis += value.shape.length;
      const count = value.shape[axis]!;
      const outShape = value.shape.filter((_, i) => i !== axis);
      const outs = Array.from({ length: count }, () => access.makeOutput(outShape, value.dtype));
      const xv = access.view(value);
      const begin = value.shape.map(() => 0);
      const size = value.shape.slice();
      size[axis] = 1;
      outs.forEach((o, i) => {
        begin[axis] = i;
        sliceInto(xv, value.shape, begin, size, access.view(o));
      });
      return outs;
    },
  };
  const tile: tf.KernelConfig = {
    kernelName: 'Tile',
    backendName,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const x = inputs.x as tf.TensorInfo;
      const access = tensorAccess(backend, kind);
      const fallback = (tile as { stock?: tf.KernelConfig }).stock;
      if (!access || x.dtype === 'string' || x.dtype === 'complex64') return fallback!.kernelFunc(args);
      const reps = (attrs as unknown as { reps: number[] }).reps;
      const out = access.makeOutput(
        x.shape.map((d, i) => d * reps[i]!),
        x.dtype,
      );
      tileInto(access.view(x), x.shape, reps, access.view(out));
      return out;
    },
  };
  const share = (name: string, applies: (x: tf.TensorInfo, attrs: tf.NamedAttrMap) => boolean): tf.KernelConfig => {
    const config: tf.KernelConfig = {
      kernelName: name,
      backendName,
      kernelFunc: (args) => {
        const x = args.inputs.x as tf.TensorInfo;
        const backend = args.backend as unknown as Partial<SharesData>;
        if (typeof backend.incRef !== 'function' || !applies(x, args.attrs ?? {})) {
          return (config as { stock?: tf.KernelConfig }).stock!.kernelFunc(args);
        }
        backend.incRef(x.dataId);
        return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
      },
    };
    return config;
  };
  const numeric = (x: tf.TensorInfo) => x.dtype !== 'string' && x.dtype !== 'complex64';
  const identity = share('Identity', numeric);
  const cast = share('Cast', (x, attrs) => numeric(x) && (attrs as unknown as { dtype: string }).dtype === x.dtype);
  for (const k of [slice, unpack, tile, identity, cast]) {
    const prev = stock(k.kernelName) as (tf.KernelConfig & { stock?: tf.KernelConfig; polytask?: string }) | undefined;
    (k as { stock?: tf.KernelConfig }).stock = prev?.polytask === 'copy' ? prev.stock : prev;
    (k as { polytask?: string }).polytask = 'copy';
  }
  return [slice, unpack, tile, identity, cast];
}
