import * as tf from '@tensorflow/tfjs';
import { type ConvGeometry, convGeometry, geometryArgs } from './conv-geometry.js';
import { backendKind } from './missing-kernels.js';
import { bilinearTaps, nearestTaps, type ResizeAttrs } from './resize-grads.js';
import { sizeFromShape, type TensorAccess, tensorAccess } from './tensor-access.js';

/** src, dst, then batch, inH, inW, depth, outH, outW and the taps of both axes (see cpu-kernels' index.d.ts). */
type ResizeKernel = (src: Float32Array, dst: Float32Array, ...sizesAndTaps: Array<number | Int32Array | Float32Array>) => void;

/** The subset of @polytask/cpu-kernels' binding these overrides use (kept structural: the addon is optional). */
export interface NativeKernels {
  batchMatMul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    batch: number,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    aIndex?: Int32Array | null,
    bIndex?: Int32Array | null,
  ): void;
  epilogue(
    y: Float32Array,
    rows: number,
    cols: number,
    bias: Float32Array | null,
    activation: number,
    alpha: number,
    prelu: Float32Array | null,
  ): void;
  conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, ...rest: Array<number | Float32Array | null>): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, ...geometry: number[]): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, ...geometry: number[]): void;
  exp(x: Float32Array, y: Float32Array): void;
  tanh?(x: Float32Array, y: Float32Array): void;
  sigmoid?(x: Float32Array, y: Float32Array): void;
  /** The heatmap focal loss and its gradient in one pass, as `HEATMAP_FOCAL_LOSS` documents. */
  focalLoss?(
    logits: Float32Array,
    target: Float32Array,
    peaks: Float32Array | null,
    weights: Float32Array | null,
    grad: Float32Array,
    loss: Float32Array,
    samples: number,
    alpha: number,
    beta: number,
    count: number,
  ): void;
  /** y = x^e for one exponent (by squaring when e is a small integer). */
  powScalar?(x: Float32Array, y: Float32Array, e: number): void;
  /** NHWC bilinear resizing with the caller's taps (see `bilinearTaps`), and its adjoint (dy → dx). */
  resizeBilinear?: ResizeKernel;
  resizeBilinearGrad?: ResizeKernel;
  /** NHWC nearest-neighbour resizing with the caller's taps (see `nearestTaps`), and its adjoint. */
  resizeNearest?: ResizeKernel;
  resizeNearestGrad?: ResizeKernel;
  /** Per row: loss = logsumexp − logit of the label, grad = softmax − onehot; labels outside [0, classes) give 0s. */
  sparseSoftmaxCrossEntropy?(
    logits: Float32Array,
    labels: Int32Array,
    loss: Float32Array,
    grad: Float32Array,
    rows: number,
    classes: number,
  ): void;
  /** One LSTM direction's recurrence and its gradient, as `LSTM_FORWARD` / `LSTM_BACKWARD` document. */
  lstmForward?(L: number, B: number, H: number, reverse: boolean, ...buffers: Float32Array[]): void;
  lstmBackward?(L: number, B: number, H: number, reverse: boolean, ...buffers: Float32Array[]): void;
  /** y[i, :] = x[indices[i], :] (row-major rows × cols); false when an index is outside [0, rows). */
  gatherRows?(x: Float32Array, indices: Int32Array, y: Float32Array, rows: number, cols: number): boolean;
  /** out [segments, cols] = 0, then out[ids[i], :] += x[i, :]; ids outside [0, segments) dropped. */
  segmentSumRows?(x: Float32Array, ids: Int32Array, out: Float32Array, n: number, cols: number, segments: number): void;
  /** out[c] = Σ_r x[r, c] over a row-major rows × cols x (the sum over a tensor's leading axes). */
  sumRows?(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /** One Adam(W) step over a parameter, as `ADAM_UPDATE` documents; the outputs are separate buffers. */
  adamUpdate?(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    wOut: Float32Array,
    mOut: Float32Array,
    vOut: Float32Array,
    beta1: number,
    beta2: number,
    stepSize: number,
    epsHat: number,
    l2: number,
    decay: number,
  ): void;
  info(): { core: string; config: string; threads: number; onednn?: { version: string; isa: string; threads: number } | null };
  /** oneDNN kernels (addon built against oneDNN): true when they ran, false when the case is left to OpenBLAS. */
  dnnlConv2d?(x: Float32Array, filter: Float32Array, y: Float32Array, ...rest: Array<number | Float32Array | null>): boolean;
  dnnlConv2dBackpropInput?(dy: Float32Array, filter: Float32Array, dx: Float32Array, ...geometry: number[]): boolean;
  dnnlConv2dBackpropFilter?(x: Float32Array, dy: Float32Array, dw: Float32Array, ...geometry: number[]): boolean;
  dnnlBatchNormForward?(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    rows: number,
    channels: number,
    epsilon: number,
    /** With one (rows · channels bytes): y = relu(batch norm), and what the backward pass needs is kept here. */
    reluWorkspace?: Float32Array | null,
  ): boolean;
  /** y = f(x) (codes: exp 0, log 1, sigmoid 2, tanh 3, relu 4, sqrt 5, square 6, abs 7, linear 8 = alpha·x + beta). */
  dnnlEltwise?(code: number, x: Float32Array, y: Float32Array, alpha: number, beta: number): boolean;
  /**
   * y = a op b (add 0, sub 1, mul 2, div 3, max 4, min 5; ge 6, gt 7, le 8, lt 9, eq 10, ne 11 into 0 / 1 bytes);
   * aDims = output shape, bDims same rank, 1 = broadcast.
   */
  dnnlBinary?(code: number, a: Float32Array, aDims: number[], b: Float32Array, bDims: number[], y: Float32Array | Uint8Array): boolean;
  dnnlBatchNormBackward?(
    x: Float32Array,
    dy: Float32Array,
    gamma: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
    rows: number,
    channels: number,
    epsilon: number,
    /** The forward pass's workspace: the gradient of relu(batch norm). */
    reluWorkspace?: Float32Array | null,
  ): boolean;
}

/** The binding without its oneDNN kernels: the OpenBLAS path alone (POLYTASK_KERNELS=openblas, tests). */
export function openblasOnly(native: NativeKernels): NativeKernels {
  const o: Record<string, unknown> = {};
  const src = native as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(native)) if (!name.startsWith('dnnl')) o[name] = src[name];
  o.info = () => ({ ...native.info(), onednn: null });
  return o as unknown as NativeKernels;
}

/** Whether the binding carries the oneDNN kernels (built against oneDNN and not hidden by POLYTASK_KERNELS=openblas). */
export function hasOneDnn(native: NativeKernels): boolean {
  return typeof native.dnnlConv2d === 'function';
}

/**
 * Custom kernels (no tfjs equivalent) registered with the oneDNN path: training-mode batch norm over the last axis
 * and its gradient. `BatchNorm` (nn/batch-norm.ts) runs them when they are registered on the active backend.
 *   BATCH_NORM_TRAIN: inputs {x, gamma, beta}, attrs {epsilon, relu} → [y, mean, variance (biased)], and with relu
 *     y = relu(batch norm) and a fourth output, the workspace the gradient needs (opaque, rows · channels bytes);
 *   BATCH_NORM_TRAIN_GRAD: inputs {x, dy, gamma, mean, variance[, workspace]}, attrs {epsilon} → [dx, dgamma, dbeta]
 *     (with the workspace: the gradient of the fused relu(batch norm)).
 */
export const BATCH_NORM_TRAIN = 'PolytaskBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'PolytaskBatchNormTrainGrad';
/**
 * Sparse softmax cross-entropy: inputs {logits [N, C] float32, labels [N] int32} → [loss [N], grad [N, C]] with
 * loss = logsumexp − the label's logit and grad = softmax − onehot (the gradient of loss); labels outside [0, C)
 * (the ignore index) give 0 and a zero row. Registered wherever the native addon loads (it needs no oneDNN).
 */
export const SPARSE_SOFTMAX_CE = 'PolytaskSparseSoftmaxCrossEntropy';
/**
 * One Adam(W) step over one parameter: inputs {w, g, m, v} (float32, one shape), attrs {beta1, beta2, stepSize,
 * epsHat, l2, decay} → [w', m', v'] with g' = g + l2·w, m' = β1·m + (1 − β1)·g', v' = β2·v + (1 − β2)·g'²,
 * w' = w − (stepSize·m' / (√v' + epsHat) + decay·w): the optimizer's eleven element-wise kernels in one pass.
 * Registered wherever the native addon loads; core's `Optimizer` runs it when it is registered.
 */
export const ADAM_UPDATE = 'PolytaskAdamUpdate';
/**
 * CenterNet's penalty-reduced focal loss (see `heatmapFocalLoss`): inputs {logits, target[, peaks][, weights [B]]}
 * (float32, logits' shape), attrs {alpha, beta (integers ≤ 16), samples, count (< 0: the number of peaks)} →
 * [loss [], grad (∂loss/∂logits)]. Registered wherever the native addon loads.
 */
export const HEATMAP_FOCAL_LOSS = 'PolytaskHeatmapFocalLoss';
/**
 * The recurrence of one LSTM direction (core's `Lstm`), time-major, gates i, f, g, o along 4H:
 *   LSTM_FORWARD: inputs {xw [L, B, 4H] (input projection + bias of every step), wh [H, 4H]}, attrs {reverse} →
 *     [h, c, g = tanh(z_g) (each [L, B, H]), s = σ(z) [L, B, 4H]];
 *   LSTM_BACKWARD: inputs {dy [L, B, H], wh, s, g, c} (the forward's), attrs {reverse} → [dG [L, B, 4H]], the
 *     gradient with respect to every step's pre-activations (the caller forms dWx, dWh, db, dx with single GEMMs).
 * Registered wherever the native addon loads.
 */
export const LSTM_FORWARD = 'PolytaskLstmForward';
export const LSTM_BACKWARD = 'PolytaskLstmBackward';

/** Kernels overridden with the native BLAS path (oneDNN first where the binding has it). */
export const BLAS_KERNELS = [
  'BatchMatMul',
  '_FusedMatMul',
  'Conv2D',
  'FusedConv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'Exp',
] as const;

/**
 * The kernels the addon runs as its own (OpenMP-threaded, vectorised) C loops rather than through a library: the
 * backend line lists the registered ones.
 */
export const C_LOOP_KERNELS: readonly string[] = [
  'GatherV2',
  'UnsortedSegmentSum',
  'Exp',
  'Tanh',
  'Sigmoid',
  'Pow',
  'Sum',
  'ResizeBilinear',
  'ResizeBilinearGrad',
  'ResizeNearestNeighbor',
  'ResizeNearestNeighborGrad',
  SPARSE_SOFTMAX_CE,
  HEATMAP_FOCAL_LOSS,
  ADAM_UPDATE,
  LSTM_FORWARD,
  LSTM_BACKWARD,
];

/** Below this many elements the C loops (Exp, Tanh, Sigmoid, Sum, Pow) leave a kernel to the backend (the call costs more). */
const LOOP_MIN_SIZE = 4096;

/**
 * Element-wise kernels (unary and broadcasting binary) go to oneDNN's multi-threaded primitives from this many output
 * elements: below it waking the second thread costs more than it saves (the wasm kernels are single-threaded SIMD).
 */
const ELTWISE_MIN_SIZE = 1 << 16;

/** tfjs unary kernels → oneDNN eltwise code, alpha, beta. */
const UNARY: Record<string, [number, number, number]> = {
  Exp: [0, 0, 0],
  Log: [1, 0, 0],
  Sigmoid: [2, 0, 0],
  Tanh: [3, 0, 0],
  Relu: [4, 0, 0],
  Sqrt: [5, 0, 0],
  Square: [6, 0, 0],
  Abs: [7, 0, 0],
  Neg: [8, -1, 0],
};

/**
 * tfjs binary kernels → oneDNN binary code, and the code of the same op with its operands swapped (null: it does not
 * swap). Comparisons write tfjs' bool storage (0 / 1 bytes): the wasm ones broadcast through a slow generic path
 * (the max-pool gradient's equal(x, max) took 30 ms per NLP step).
 */
const BINARY: Record<string, [number, number | null]> = {
  Add: [0, 0],
  Sub: [1, null],
  Multiply: [2, 2],
  RealDiv: [3, null],
  Maximum: [4, 4],
  Minimum: [5, 5],
  GreaterEqual: [6, 8],
  Greater: [7, 9],
  LessEqual: [8, 6],
  Less: [9, 7],
  Equal: [10, 10],
  NotEqual: [11, 11],
};
const COMPARISON_MIN_CODE = 6;

const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, elu: 3, leakyrelu: 4, prelu: 5, sigmoid: 6 };

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Handle returned by registerBlasKernels: `restore()` puts the backend's own kernels back (tests, benchmarks). */
export interface BlasRegistration {
  kernels: string[];
  restore(): void;
}

function f32(v: unknown): Float32Array {
  return v as Float32Array;
}

/**
 * The values of a float32 input as a Float32Array. The cpu backend's Cast to float32 from int32 / bool shares the
 * source's Int32Array / Uint8Array storage, which the addon rejects ("expected a Float32Array"): copy those. On wasm
 * float32 storage is always a Float32Array view (no copy, and no wasm allocation).
 */
function f32In(access: TensorAccess, t: tf.TensorInfo): Float32Array {
  const v = access.view(t);
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

/** Bias / PReLU weights usable by the native epilogue: one value per output column, or a single value. */
function perColumn(t: tf.TensorInfo | undefined, cols: number): boolean {
  if (!t) return true;
  const n = sizeFromShape(t.shape);
  return t.dtype === 'float32' && (n === 1 || (n === cols && t.shape[t.shape.length - 1] === cols));
}

/** out += bias broadcast to outShape (numpy rules): the general case of a fused bias, off the fast path. */
function addBroadcast(out: Float32Array, outShape: number[], bias: Float32Array, biasShape: number[]): void {
  const rank = outShape.length;
  const bShape = [...new Array<number>(rank - biasShape.length).fill(1), ...biasShape];
  const bStrides = new Array<number>(rank);
  let acc = 1;
  for (let d = rank - 1; d >= 0; d--) {
    bStrides[d] = bShape[d] === 1 ? 0 : acc;
    acc *= bShape[d]!;
  }
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < out.length; i++) {
    let off = 0;
    for (let d = 0; d < rank; d++) off += idx[d]! * bStrides[d]!;
    out[i] = out[i]! + bias[off]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
}

interface MatMulPlan {
  outShape: number[];
  batch: number;
  m: number;
  n: number;
  k: number;
  aIndex: Int32Array | null;
  bIndex: Int32Array | null;
}

/** Shapes and broadcast batch indices of a (batched) matmul, following tf.matMul's rules. */
function planMatMul(a: tf.TensorInfo, b: tf.TensorInfo, transA: boolean, transB: boolean): MatMulPlan {
  const ar = a.shape.length;
  const br = b.shape.length;
  const m = transA ? a.shape[ar - 1]! : a.shape[ar - 2]!;
  const k = transA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
  const kb = transB ? b.shape[br - 1]! : b.shape[br - 2]!;
  const n = transB ? b.shape[br - 2]! : b.shape[br - 1]!;
  if (k !== kb) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ${b.shape} and ` +
        `transposeA=${transA} and transposeB=${transB} must match.`,
    );
  }
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const batch = sizeFromShape(outer);
  const batchA = sizeFromShape(outerA);
  const batchB = sizeFromShape(outerB);
  // The native side reads a null index as "matrix i" (or 0 for a single matrix): right whenever the operand has one
  // matrix or as many as the output (then its batch dims equal the broadcast ones). Otherwise map each output batch.
  const aIndex = batchA === 1 || batchA === batch ? null : broadcastIndex(outerA, outer);
  const bIndex = batchB === 1 || batchB === batch ? null : broadcastIndex(outerB, outer);
  return { outShape: [...outer, m, n], batch, m, n, k, aIndex, bIndex };
}

/** For every flat index of `outer`, the flat index of the operand whose batch dims `dims` broadcast to it. */
function broadcastIndex(dims: number[], outer: number[]): Int32Array {
  const total = sizeFromShape(outer);
  const idx = new Int32Array(total);
  const offset = outer.length - dims.length;
  for (let i = 0; i < total; i++) {
    let rem = i;
    let src = 0;
    let stride = 1;
    for (let d = outer.length - 1; d >= 0; d--) {
      const coord = rem % outer[d]!;
      rem = Math.floor(rem / outer[d]!);
      const dd = d - offset;
      if (dd >= 0) {
        const size = dims[dd]!;
        src += (size === 1 ? 0 : coord) * stride;
        stride *= size;
      }
    }
    idx[i] = src;
  }
  return idx;
}

function runMatMul(
  native: NativeKernels,
  access: TensorAccess,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transA: boolean,
  transB: boolean,
  bias?: tf.TensorInfo,
  activation = 'linear',
  alpha = 0.2,
  prelu?: tf.TensorInfo,
): tf.TensorInfo {
  const p = planMatMul(a, b, transA, transB);
  const out = access.makeOutput(p.outShape, 'float32');
  const outV = f32(access.view(out));
  if (outV.length === 0) return out;
  native.batchMatMul(f32In(access, a), f32In(access, b), outV, p.batch, p.m, p.n, p.k, transA, transB, p.aIndex, p.bIndex);
  const act = ACTIVATIONS[activation] ?? 0;
  let nativeBias = bias;
  if (bias && !perColumn(bias, p.n)) {
    addBroadcast(outV, p.outShape, f32In(access, bias), bias.shape);
    nativeBias = undefined;
  }
  if (nativeBias || act !== 0) {
    native.epilogue(
      outV,
      p.batch * p.m,
      p.n,
      nativeBias ? f32In(access, nativeBias) : null,
      act,
      alpha,
      prelu ? f32In(access, prelu) : null,
    );
  }
  return out;
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: string;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

function hasZero(g: ConvGeometry): boolean {
  return g.n * g.h * g.w * g.cin * g.oh * g.ow * g.cout * g.fh * g.fw === 0;
}

/**
 * Overrides BatchMatMul, _FusedMatMul, Conv2D, FusedConv2D, Conv2DBackpropInput and Conv2DBackpropFilter of an
 * embedded backend ('wasm' or 'cpu') with the native BLAS kernels, reading inputs and writing outputs in place
 * (zero copy). Cases the native code does not cover (non-float32, NCHW, bias/PReLU weights that are not
 * per-channel) go to the backend's own kernel.
 */
export function registerBlasKernels(backendName: string, native: NativeKernels): BlasRegistration {
  const kind = backendKind(backendName);
  if (!kind) throw new Error(`registerBlasKernels: backend '${backendName}' is not an embedded (wasm/cpu) backend`);
  const originals = new Map<string, tf.KernelConfig | undefined>();
  const registered: string[] = [];
  const onednn = hasOneDnn(native);

  const install = (
    kernelName: string,
    impl: (args: KernelArgs, access: TensorAccess, fallback: tf.KernelFunc | undefined) => tf.TensorInfo | null,
  ) => {
    const previous = tf.getKernel(kernelName, backendName);
    // Never wrap an override of ours (second registration): keep the backend's own kernel as the fallback.
    const stock =
      (previous as { polytask?: string } | undefined)?.polytask === 'blas' ? (previous as { stock?: tf.KernelConfig }).stock : previous;
    originals.set(kernelName, stock);
    if (previous) tf.unregisterKernel(kernelName, backendName);
    const config: tf.KernelConfig & { polytask: string; stock?: tf.KernelConfig } = {
      kernelName,
      backendName,
      setupFunc: stock?.setupFunc,
      disposeFunc: stock?.disposeFunc,
      polytask: 'blas',
      stock,
      kernelFunc: (args) => {
        const access = tensorAccess(args.backend, kind);
        const res = access ? impl(args, access, stock?.kernelFunc) : null;
        if (res) return res;
        if (!stock) throw new Error(`${kernelName}: case not supported by the native kernel and no backend kernel`);
        return stock.kernelFunc(args);
      },
    };
    tf.registerKernel(config);
    registered.push(kernelName);
  };

  install('BatchMatMul', ({ inputs, attrs }, access) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
    return runMatMul(native, access, a, b, !!transposeA, !!transposeB);
  });

  install('_FusedMatMul', ({ inputs, attrs }, access) => {
    const { a, b, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
    const at = attrs as unknown as { transposeA: boolean; transposeB: boolean; activation?: string; leakyreluAlpha?: number };
    const activation = at.activation ?? 'linear';
    if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
    if (!(activation in ACTIVATIONS)) return null;
    const n = at.transposeB ? b.shape[b.shape.length - 2]! : b.shape[b.shape.length - 1]!;
    if ((bias && bias.dtype !== 'float32') || !perColumn(preluActivationWeights, n)) return null;
    if (activation === 'prelu' && !preluActivationWeights) return null;
    return runMatMul(
      native,
      access,
      a,
      b,
      !!at.transposeA,
      !!at.transposeB,
      bias,
      activation,
      at.leakyreluAlpha ?? 0.2,
      preluActivationWeights,
    );
  });

  const conv =
    (fused: boolean) =>
    ({ inputs, attrs }: KernelArgs, access: TensorAccess) => {
      const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo | undefined>;
      const at = attrs as unknown as ConvAttrs;
      if (!x || !filter || x.dtype !== 'float32' || filter.dtype !== 'float32') return null;
      const g = convGeometry(x.shape, filter.shape, at.strides, at.dilations ?? 1, at.pad, at.dimRoundingMode, at.dataFormat);
      if (!g || hasZero(g)) return null;
      const activation = fused ? (at.activation ?? 'linear') : 'linear';
      if (!(activation in ACTIVATIONS)) return null;
      if (fused && (!perColumn(bias, g.cout) || !perColumn(preluActivationWeights, g.cout))) return null;
      if (activation === 'prelu' && !preluActivationWeights) return null;
      const out = access.makeOutput([g.n, g.oh, g.ow, g.cout], 'float32');
      if (
        onednn &&
        activation !== 'prelu' &&
        (!bias || sizeFromShape(bias.shape) === g.cout) &&
        native.dnnlConv2d!(
          f32In(access, x),
          f32In(access, filter),
          f32(access.view(out)),
          ...geometryArgs(g),
          bias ? f32In(access, bias) : null,
          ACTIVATIONS[activation]!,
          at.leakyreluAlpha ?? 0.2,
        )
      ) {
        return out;
      }
      native.conv2d(
        f32In(access, x),
        f32In(access, filter),
        f32(access.view(out)),
        ...geometryArgs(g),
        bias ? f32In(access, bias) : null,
        ACTIVATIONS[activation]!,
        at.leakyreluAlpha ?? 0.2,
        preluActivationWeights ? f32In(access, preluActivationWeights) : null,
      );
      return out;
    };
  install('Conv2D', conv(false));
  install('FusedConv2D', conv(true));

  install('Conv2DBackpropInput', ({ inputs, attrs }, access) => {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const at = attrs as unknown as ConvAttrs;
    if (dy.dtype !== 'float32' || filter.dtype !== 'float32' || !at.inputShape) return null;
    const g = convGeometry(at.inputShape, filter.shape, at.strides, 1, at.pad, at.dimRoundingMode, at.dataFormat);
    if (!g || hasZero(g)) return null;
    const dx = access.makeOutput([g.n, g.h, g.w, g.cin], 'float32');
    if (onednn && native.dnnlConv2dBackpropInput!(f32In(access, dy), f32In(access, filter), f32(access.view(dx)), ...geometryArgs(g))) {
      return dx;
    }
    native.conv2dBackpropInput(f32In(access, dy), f32In(access, filter), f32(access.view(dx)), ...geometryArgs(g));
    return dx;
  });

  install('Conv2DBackpropFilter', ({ inputs, attrs }, access) => {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const at = attrs as unknown as ConvAttrs;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || !at.filterShape) return null;
    const g = convGeometry(x.shape, at.filterShape, at.strides, 1, at.pad, at.dimRoundingMode, at.dataFormat);
    if (!g || hasZero(g)) return null;
    const dw = access.makeOutput([g.fh, g.fw, g.cin, g.cout], 'float32');
    if (onednn && native.dnnlConv2dBackpropFilter!(f32In(access, x), f32In(access, dy), f32(access.view(dw)), ...geometryArgs(g))) {
      return dw;
    }
    native.conv2dBackpropFilter(f32In(access, x), f32In(access, dy), f32(access.view(dw)), ...geometryArgs(g));
    return dw;
  });

  // Resizing (FPN upsampling, segmentation heads) and its adjoints, threaded over the images: the backends' own run
  // on one thread (and their gradients ignore halfPixelCenters, see resize-grads.ts).
  const resize = (kernelName: string, fn: ResizeKernel | undefined, bilinear: boolean) => {
    if (!fn) return;
    const forward = !kernelName.endsWith('Grad');
    install(kernelName, ({ inputs, attrs }, access) => {
      const { images, dy } = inputs as { images: tf.TensorInfo; dy?: tf.TensorInfo };
      const src = forward ? images : dy!;
      if (src.dtype !== 'float32' || images.shape.length !== 4) return null;
      const [batch, inH, inW, depth] = images.shape as [number, number, number, number];
      const [outH, outW] = forward ? (attrs as unknown as { size: [number, number] }).size : [dy!.shape[1]!, dy!.shape[2]!];
      const conv = attrs as unknown as ResizeAttrs;
      const taps = bilinear
        ? [bilinearTaps(inH, outH, conv), bilinearTaps(inW, outW, conv)].flatMap((t) => [t.lo, t.hi, t.frac])
        : [nearestTaps(inH, outH, conv), nearestTaps(inW, outW, conv)];
      const out = access.makeOutput(forward ? [batch, outH, outW, depth] : images.shape, 'float32');
      fn(f32In(access, src), f32(access.view(out)), batch, inH, inW, depth, outH, outW, ...taps);
      return out;
    });
  };
  resize('ResizeBilinear', native.resizeBilinear?.bind(native), true);
  resize('ResizeBilinearGrad', native.resizeBilinearGrad?.bind(native), true);
  resize('ResizeNearestNeighbor', native.resizeNearest?.bind(native), false);
  resize('ResizeNearestNeighborGrad', native.resizeNearestGrad?.bind(native), false);

  // Row gathers (embedding lookups) and their gradient: the wasm gather computes an index per element (26 ms for a
  // 53k × 16 lookup), the JS scatter-add loops with bounds-checked heap views.
  const gatherRows = native.gatherRows?.bind(native);
  if (gatherRows) {
    install('GatherV2', ({ inputs, attrs }, access) => {
      const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
      const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
      if (x.dtype !== 'float32' || indices.dtype !== 'int32' || x.shape.length < 1 || (batchDims ?? 0) !== 0) return null;
      if (tf.util.parseAxisParam(axis, x.shape)[0] !== 0) return null;
      const cols = sizeFromShape(x.shape.slice(1));
      const out = access.makeOutput([...indices.shape, ...x.shape.slice(1)], 'float32');
      if (gatherRows(f32In(access, x), access.view(indices) as Int32Array, f32(access.view(out)), x.shape[0]!, cols)) return out;
      access.dispose(out);
      return null;
    });
  }
  const segmentSumRows = native.segmentSumRows?.bind(native);
  if (segmentSumRows) {
    install('UnsortedSegmentSum', ({ inputs, attrs }, access) => {
      const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
      const segments = (attrs as unknown as { numSegments: number }).numSegments;
      if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32') return null;
      const n = sizeFromShape(segmentIds.shape);
      const rest = x.shape.slice(segmentIds.shape.length);
      const out = access.makeOutput([segments, ...rest], 'float32');
      segmentSumRows(f32In(access, x), access.view(segmentIds) as Int32Array, f32(access.view(out)), n, sizeFromShape(rest), segments);
      return out;
    });
  }

  // Sum over leading axes (bias gradients of channels-last layers): the wasm kernel transposes the reduced axes
  // innermost first, a strided copy of the whole tensor per call.
  const sumRows = native.sumRows?.bind(native);
  if (sumRows) {
    install('Sum', ({ inputs, attrs }, access) => {
      const x = inputs.x as tf.TensorInfo;
      const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
      if (x.dtype !== 'float32' || sizeFromShape(x.shape) < LOOP_MIN_SIZE) return null;
      const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
      const lead = axes.length;
      if (lead === 0 || lead === x.shape.length || axes.some((a, i) => a !== i)) return null;
      const kept = x.shape.slice(lead);
      const out = access.makeOutput(keepDims ? [...axes.map(() => 1), ...kept] : kept, 'float32');
      sumRows(f32In(access, x), f32(access.view(out)), sizeFromShape(x.shape.slice(0, lead)), sizeFromShape(kept));
      return out;
    });
  }

  // Exp, Tanh, Sigmoid: the wasm backend's call libm per element (7–15 ns each): softmax / cross-entropy over
  // segmentation logits and the LSTM cells' gates made them top kernels. C loops from LOOP_MIN_SIZE elements,
  // oneDNN's eltwise from ELTWISE_MIN_SIZE.
  const loops: Array<[string, ((x: Float32Array, y: Float32Array) => void) | undefined]> = [
    ['Exp', native.exp.bind(native)],
    ['Tanh', native.tanh?.bind(native)],
    ['Sigmoid', native.sigmoid?.bind(native)],
  ];
  for (const [name, loop] of loops) {
    if (!loop) continue;
    const dnnlCode = UNARY[name]![0];
    install(name, ({ inputs }, access) => {
      const x = inputs.x as tf.TensorInfo;
      const n = sizeFromShape(x.shape);
      if (x.dtype !== 'float32' || n < LOOP_MIN_SIZE) return null;
      const out = access.makeOutput(x.shape, 'float32');
      if (onednn && n >= ELTWISE_MIN_SIZE && native.dnnlEltwise!(dnnlCode, f32In(access, x), f32(access.view(out)), 0, 0)) return out;
      loop(f32In(access, x), f32(access.view(out)));
      return out;
    });
  }

  // Pow with one exponent (focal losses): the wasm backend calls libm's pow per element.
  const powScalar = native.powScalar?.bind(native);
  if (powScalar) {
    install('Pow', ({ inputs }, access) => {
      const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const scalar = sizeFromShape(b.shape) === 1 && b.shape.length <= a.shape.length;
      if (a.dtype !== 'float32' || b.dtype !== 'float32' || !scalar || sizeFromShape(a.shape) < LOOP_MIN_SIZE) return null;
      const out = access.makeOutput(a.shape, 'float32');
      powScalar(f32In(access, a), f32(access.view(out)), f32In(access, b)[0]!);
      return out;
    });
  }

  if (onednn) {
    for (const [name, [code, alpha, beta]] of Object.entries(UNARY)) {
      if (loops.some(([loopName, loop]) => loopName === name && loop)) continue; // installed above
      install(name, ({ inputs }, access) => {
        const x = inputs.x as tf.TensorInfo;
        if (x.dtype !== 'float32' || sizeFromShape(x.shape) < ELTWISE_MIN_SIZE) return null;
        const out = access.makeOutput(x.shape, 'float32');
        if (native.dnnlEltwise!(code, f32In(access, x), f32(access.view(out)), alpha, beta)) return out;
        access.dispose(out);
        return null;
      });
    }
    for (const [name, [code, swapped]] of Object.entries(BINARY)) {
      const dtype = code >= COMPARISON_MIN_CODE ? 'bool' : 'float32';
      install(name, ({ inputs }, access) => {
        let { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
        if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
        const outShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
        const rank = outShape.length;
        if (rank < 1 || rank > 6 || sizeFromShape(outShape) < ELTWISE_MIN_SIZE) return null;
        const pad = (s: number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
        let da = pad(a.shape);
        let db = pad(b.shape);
        let op = code;
        const full = (d: number[]) => d.every((v, i) => v === outShape[i]);
        if (!full(da)) {
          if (swapped === null || !full(db)) return null;
          [a, b, da, db, op] = [b, a, db, da, swapped];
        }
        const out = access.makeOutput(outShape, dtype);
        const y = dtype === 'bool' ? (access.view(out) as Uint8Array) : f32(access.view(out));
        if (native.dnnlBinary!(op, f32In(access, a), da, f32In(access, b), db, y)) return out;
        access.dispose(out);
        return null;
      });
    }
  }

  // Custom kernels: nothing to fall back to, so they are registered only where the native code covers every case
  // (float32, channels last; their callers check both before running them).
  const custom = (kernelName: string, impl: (args: KernelArgs, access: TensorAccess) => tf.TensorInfo[]) => {
    originals.set(kernelName, undefined);
    if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: (args) => {
        const access = tensorAccess(args.backend, kind);
        if (!access) throw new Error(`${kernelName}: backend ${backendName} storage is not accessible`);
        return impl(args, access);
      },
    });
    registered.push(kernelName);
  };
  const sparseSoftmaxCe = native.sparseSoftmaxCrossEntropy?.bind(native);
  if (sparseSoftmaxCe) {
    custom(SPARSE_SOFTMAX_CE, ({ inputs }, access) => {
      const { logits, labels } = inputs as Record<string, tf.TensorInfo>;
      const [rows, classes] = logits!.shape as [number, number];
      const loss = access.makeOutput([rows], 'float32');
      const grad = access.makeOutput([rows, classes], 'float32');
      sparseSoftmaxCe(
        f32In(access, logits!),
        access.view(labels!) as Int32Array,
        f32(access.view(loss)),
        f32(access.view(grad)),
        rows,
        classes,
      );
      return [loss, grad];
    });
  }

  const focalLoss = native.focalLoss?.bind(native);
  if (focalLoss) {
    custom(HEATMAP_FOCAL_LOSS, ({ inputs, attrs }, access) => {
      const { logits, target, peaks, weights } = inputs as Record<string, tf.TensorInfo | undefined>;
      const a = attrs as unknown as Record<'alpha' | 'beta' | 'samples' | 'count', number>;
      const loss = access.makeOutput([], 'float32');
      const grad = access.makeOutput(logits!.shape, 'float32');
      focalLoss(
        f32In(access, logits!),
        f32In(access, target!),
        peaks ? f32In(access, peaks) : null,
        weights ? f32In(access, weights) : null,
        f32(access.view(grad)),
        f32(access.view(loss)),
        a.samples,
        a.alpha,
        a.beta,
        a.count,
      );
      return [loss, grad];
    });
  }

  const lstmForward = native.lstmForward?.bind(native);
  const lstmBackward = native.lstmBackward?.bind(native);
  if (lstmForward && lstmBackward) {
    custom(LSTM_FORWARD, ({ inputs, attrs }, access) => {
      const { xw, wh } = inputs as Record<string, tf.TensorInfo>;
      const [L, B, H4] = xw!.shape as [number, number, number];
      const H = H4 / 4;
      const outs = [
        [L, B, H],
        [L, B, H],
        [L, B, H],
        [L, B, H4],
      ].map((shape) => access.makeOutput(shape, 'float32'));
      const reverse = (attrs as unknown as { reverse: boolean }).reverse;
      lstmForward(L, B, H, reverse, f32In(access, xw!), f32In(access, wh!), ...outs.map((o) => f32(access.view(o))));
      return outs; // h, c, g, s
    });
    custom(LSTM_BACKWARD, ({ inputs, attrs }, access) => {
      const { dy, wh, s, g, c } = inputs as Record<string, tf.TensorInfo>;
      const [L, B, H] = dy!.shape as [number, number, number];
      const dG = access.makeOutput([L, B, 4 * H], 'float32');
      const reverse = (attrs as unknown as { reverse: boolean }).reverse;
      lstmBackward(L, B, H, reverse, ...[dy!, wh!, s!, g!, c!].map((t) => f32In(access, t)), f32(access.view(dG)));
      return [dG];
    });
  }

  const adamUpdate = native.adamUpdate?.bind(native);
  if (adamUpdate) {
    custom(ADAM_UPDATE, ({ inputs, attrs }, access) => {
      const { w, g, m, v } = inputs as Record<string, tf.TensorInfo>;
      const a = attrs as unknown as Record<'beta1' | 'beta2' | 'stepSize' | 'epsHat' | 'l2' | 'decay', number>;
      const outs = [w!, m!, v!].map((t) => access.makeOutput(t.shape, 'float32'));
      const [wOut, mOut, vOut] = outs.map((t) => f32(access.view(t)));
      adamUpdate(
        f32In(access, w!),
        f32In(access, g!),
        f32In(access, m!),
        f32In(access, v!),
        wOut!,
        mOut!,
        vOut!,
        a.beta1,
        a.beta2,
        a.stepSize,
        a.epsHat,
        a.l2,
        a.decay,
      );
      return outs;
    });
  }

  if (onednn) {
    custom(BATCH_NORM_TRAIN, ({ inputs, attrs }, access) => {
      const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
      const c = x!.shape[x!.shape.length - 1]!;
      const rows = sizeFromShape(x!.shape) / c;
      const { epsilon, relu } = attrs as unknown as { epsilon: number; relu?: boolean };
      const y = access.makeOutput(x!.shape, 'float32');
      const mean = access.makeOutput([c], 'float32');
      const variance = access.makeOutput([c], 'float32');
      const workspace = relu ? access.makeOutput([Math.ceil((rows * c) / 4)], 'float32') : null;
      const ok = native.dnnlBatchNormForward!(
        f32In(access, x!),
        f32In(access, gamma!),
        f32In(access, beta!),
        f32(access.view(y)),
        f32(access.view(mean)),
        f32(access.view(variance)),
        rows,
        c,
        epsilon,
        workspace && f32(access.view(workspace)),
      );
      if (!ok) throw new Error(`${BATCH_NORM_TRAIN}: oneDNN has no implementation for shape ${x!.shape}${relu ? ' with relu' : ''}`);
      return workspace ? [y, mean, variance, workspace] : [y, mean, variance];
    });
    custom(BATCH_NORM_TRAIN_GRAD, ({ inputs, attrs }, access) => {
      const { x, dy, gamma, mean, variance, workspace } = inputs as Record<string, tf.TensorInfo | undefined>;
      const c = x!.shape[x!.shape.length - 1]!;
      const rows = sizeFromShape(x!.shape) / c;
      const eps = (attrs as unknown as { epsilon: number }).epsilon;
      const dx = access.makeOutput(x!.shape, 'float32');
      const dgamma = access.makeOutput([c], 'float32');
      const dbeta = access.makeOutput([c], 'float32');
      const ok = native.dnnlBatchNormBackward!(
        f32In(access, x!),
        f32In(access, dy!),
        f32In(access, gamma!),
        f32In(access, mean!),
        f32In(access, variance!),
        f32(access.view(dx)),
        f32(access.view(dgamma)),
        f32(access.view(dbeta)),
        rows,
        c,
        eps,
        workspace ? f32In(access, workspace) : null,
      );
      if (!ok) throw new Error(`${BATCH_NORM_TRAIN_GRAD}: oneDNN has no implementation for shape ${x!.shape}`);
      return [dx, dgamma, dbeta];
    });
  }

  return {
    kernels: registered,
    restore() {
      for (const [name, stock] of originals) {
        if (tf.getKernel(name, backendName)) tf.unregisterKernel(name, backendName);
        if (stock) tf.registerKernel(stock);
      }
      originals.clear();
    },
  };
}
