/** The sizes of a resize (image → resized), then the taps of its rows and columns. */
type ResizeSizes = [batch: number, inH: number, inW: number, depth: number, outH: number, outW: number];
export type BilinearResize = [
  ...ResizeSizes,
  rowLo: Int32Array,
  rowHi: Int32Array,
  rowFrac: Float32Array,
  colLo: Int32Array,
  colHi: Int32Array,
  colFrac: Float32Array,
];
export type NearestResize = [...ResizeSizes, rows: Int32Array, cols: Int32Array];

/**
 * The native binding. All buffers are used in place; outputs are fully overwritten. Sizes must be integers in
 * [0, 2^31) (strides and dilations >= 1); anything else, buffers or index arrays too short for them, or bias / PReLU
 * weights that are neither per column nor a single value throw instead of being read as 0 or past their end.
 */
export interface CpuKernels {
  /**
   * out[i] = op(a[aIndex[i]]) · op(b[bIndex[i]]) for i < batch, row-major. Matrices: a M×K (K×M when transA),
   * b K×N (N×K when transB), out M×N. A null index means batch i (or 0 for an operand holding one matrix).
   */
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
  /** y[r, c] = act(y[r, c] + bias[c or 0]) in place; prelu weights per column (or one). */
  epilogue(
    y: Float32Array,
    rows: number,
    cols: number,
    bias: Float32Array | null,
    activation: number,
    leakyAlpha: number,
    prelu: Float32Array | null,
  ): void;
  /** NHWC conv2d via im2col + sgemm, optional fused bias/activation. Filter [fh, fw, cin, cout]. */
  conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, ...geometryAndEpilogue: Array<number | Float32Array | null>): void;
  /** dx = col2im(dy · filterᵀ); same geometry arguments as conv2d (n, h, w, cin, oh, ow, cout, fh, fw, sh, sw, dh, dw, padTop, padLeft). */
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, ...geometry: number[]): void;
  /** dw = im2col(x)ᵀ · dy; same geometry arguments as conv2d. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, ...geometry: number[]): void;
  /** y = tanh(x), element-wise (x and y distinct or the same array). */
  tanh(x: Float32Array, y: Float32Array): void;
  /** y = 1 / (1 + e^−x), element-wise, without overflow for large |x|. */
  sigmoid(x: Float32Array, y: Float32Array): void;
  /** y = exp(x) element-wise (vectorised polynomial expf, relative error < 3e-7 in the normal range). */
  exp(x: Float32Array, y: Float32Array): void;
  /**
   * CenterNet's penalty-reduced focal loss on heatmap logits against targets in [0, 1], and its gradient, in one
   * pass: loss[0] = −Σ w·[(1 − p)^α log p at peaks, (1 − y)^β p^α log(1 − p) elsewhere] / max(count, 1), p = σ(x).
   * Peaks where `peaks` ≠ 0 (null: where target = 1); one weight per sample (`samples` equal parts; null: 1);
   * count < 0: the number of peaks; α, β integers in [0, 16].
   */
  focalLoss(
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
  /** y = x^e element-wise for one exponent: by squaring for an integer |e| ≤ 64, powf otherwise. x and y distinct. */
  powScalar(x: Float32Array, y: Float32Array, e: number): void;
  /**
   * NHWC bilinear resizing x [batch, inH, inW, depth] → y [batch, outH, outW, depth] as tfjs interpolates; per output
   * row / column the taps (two source indices, the second one's weight). Images run on OpenMP's threads.
   */
  resizeBilinear(x: Float32Array, y: Float32Array, ...sizesAndTaps: BilinearResize): void;
  /** Its adjoint: dx [batch, inH, inW, depth] zeroed, then every dy element added to its four taps, same weights. */
  resizeBilinearGrad(dy: Float32Array, dx: Float32Array, ...sizesAndTaps: BilinearResize): void;
  /** NHWC nearest-neighbour resizing; per output row / column the source index it copies. */
  resizeNearest(x: Float32Array, y: Float32Array, ...sizesAndTaps: NearestResize): void;
  /** Its adjoint: dx zeroed, then every dy element added to the pixel it was copied from. */
  resizeNearestGrad(dy: Float32Array, dx: Float32Array, ...sizesAndTaps: NearestResize): void;
  /**
   * Per row of logits [rows, classes]: loss[r] = logsumexp(row) − row[labels[r]], grad[r] = softmax(row) − onehot;
   * a label outside [0, classes) gives loss 0 and a zero gradient row.
   */
  sparseSoftmaxCrossEntropy(
    logits: Float32Array,
    labels: Int32Array,
    loss: Float32Array,
    grad: Float32Array,
    rows: number,
    classes: number,
  ): void;
  /**
   * One LSTM direction over a time-major sequence (gates i, f, g, o along 4H; last step first when `reverse`): from
   * xw [L, B, 4H] (every step's input projection + bias) and wh [H, 4H], writes h, c, g = tanh(z_g) [L, B, H] and
   * s = σ(z) [L, B, 4H]; the recurrent GEMM per step through cblas_sgemm.
   */
  lstmForward(
    L: number,
    B: number,
    H: number,
    reverse: boolean,
    xw: Float32Array,
    wh: Float32Array,
    h: Float32Array,
    c: Float32Array,
    g: Float32Array,
    s: Float32Array,
  ): void;
  /** Its gradient with respect to every step's pre-activations, dG [L, B, 4H], from dy = ∂loss/∂h and s, g, c. */
  lstmBackward(
    L: number,
    B: number,
    H: number,
    reverse: boolean,
    dy: Float32Array,
    wh: Float32Array,
    s: Float32Array,
    g: Float32Array,
    c: Float32Array,
    dG: Float32Array,
  ): void;
  /**
   * y[i, :] = x[indices[i], :] over a row-major rows × cols x (tf.gather on axis 0). False, writing nothing, when an
   * index is outside [0, rows).
   */
  gatherRows(x: Float32Array, indices: Int32Array, y: Float32Array, rows: number, cols: number): boolean;
  /** out [segments, cols] = 0, then out[ids[i], :] += x[i, :] for i < n; ids outside [0, segments) are dropped. */
  segmentSumRows(x: Float32Array, ids: Int32Array, out: Float32Array, n: number, cols: number, segments: number): void;
  /**
   * out[c] = Σ_r x[r, c] over a row-major rows × cols x: the sum over a tensor's leading axes (float partials of 64
   * rows added in double). Large inputs run on OpenMP's threads.
   */
  sumRows(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /**
   * One Adam(W) step over a parameter in one pass (float32): g' = g + l2·w, m' = β1·m + (1 − β1)·g',
   * v' = β2·v + (1 − β2)·g'², w' = w − (stepSize·m' / (√v' + epsHat) + decay·w). Outputs may not alias inputs.
   */
  adamUpdate(
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
  /**
   * oneDNN kernels (present only when the addon was built against oneDNN and POLYTASK_KERNELS is not 'openblas').
   * Same buffers and geometry arguments as the OpenBLAS ones; each returns true when it ran and false when oneDNN has
   * no implementation for the case (the caller then runs the OpenBLAS kernel). Activations: linear, relu, relu6, elu,
   * leakyrelu, sigmoid (prelu returns false).
   */
  dnnlConv2d?(
    x: Float32Array,
    filter: Float32Array,
    y: Float32Array,
    ...geometryBiasActivationAlpha: Array<number | Float32Array | null>
  ): boolean;
  dnnlConv2dBackpropInput?(dy: Float32Array, filter: Float32Array, dx: Float32Array, ...geometry: number[]): boolean;
  dnnlConv2dBackpropFilter?(x: Float32Array, dy: Float32Array, dw: Float32Array, ...geometry: number[]): boolean;
  /**
   * Training batch norm over rows × channels (channels last): y, batch mean and biased variance. With a workspace
   * (at least rows · channels bytes) y = relu(batch norm), and the workspace keeps what the backward pass needs.
   */
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
    reluWorkspace?: Float32Array | null,
  ): boolean;
  /** Its backward: dx, dgamma, dbeta from x, dy and the forward's batch statistics (and workspace, for the relu). */
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
    reluWorkspace?: Float32Array | null,
  ): boolean;
  /** y = f(x) over all of x (exp 0, log 1, sigmoid 2, tanh 3, relu 4, sqrt 5, square 6, abs 7, linear 8: αx + β). */
  dnnlEltwise?(code: number, x: Float32Array, y: Float32Array, alpha: number, beta: number): boolean;
  /**
   * y = a op b (add 0, sub 1, mul 2, div 3, max 4, min 5; ge 6, gt 7, le 8, lt 9, eq 10, ne 11 into a Uint8Array of
   * 0 / 1); aDims is the output shape, bDims the same rank with each dimension equal or 1 (broadcast).
   */
  dnnlBinary?(code: number, a: Float32Array, aDims: number[], b: Float32Array, bDims: number[], y: Float32Array | Uint8Array): boolean;
  /**
   * OpenBLAS core (kernel family), build config and thread count; `onednn` is null when the oneDNN kernels are not
   * built or hidden by POLYTASK_KERNELS=openblas.
   */
  info(): { core: string; config: string; threads: number; onednn: { version: string; isa: string; threads: number } | null };
  /** Thread count of OpenBLAS and of oneDNN (OpenMP, for calls from this thread). */
  setThreads(threads: number): void;
}

/** The binding, or null when it was not built / cannot load (never throws). */
export function loadCpuKernels(): CpuKernels | null;
/** Why the last load returned null. */
export function loadFailure(): string | undefined;
/** POLYTASK_KERNELS: 'onednn' (default), 'openblas' or 'none'; throws on other values. */
export function requestedKernelPath(): 'onednn' | 'openblas' | 'none';
/** The binding without its oneDNN kernels (the OpenBLAS path only). */
export function withoutOneDnn(binding: CpuKernels): CpuKernels;
export const Activation: Readonly<{
  linear: 0;
  relu: 1;
  relu6: 2;
  elu: 3;
  leakyrelu: 4;
  prelu: 5;
  sigmoid: 6;
}>;
