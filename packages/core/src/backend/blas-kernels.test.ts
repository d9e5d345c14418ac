import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptimizerConfig } from '../config/run-config.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { BiLstm } from '../nn/lstm.js';
import { createParameter } from '../nn/module.js';
import { Optimizer } from '../optim/optimizer.js';
import { heatmapFocalLoss } from '../tasks/focal-loss.js';
import { softmaxCrossEntropy } from '../tasks/losses.js';
import {
  ADAM_UPDATE,
  type BlasRegistration,
  HEATMAP_FOCAL_LOSS,
  hasOneDnn,
  LSTM_FORWARD,
  type NativeKernels,
  openblasOnly,
  registerBlasKernels,
  SPARSE_SOFTMAX_CE,
} from './blas-kernels.js';
import { registerMissingKernels } from './missing-kernels.js';
import { loadNativeKernels } from './native.js';
import { conv2dOutputShape, numericalGradient, Rng, randomArray, relError, runOn } from './test-helpers.js';

const native = (await loadNativeKernels()).kernels;
type In = { values: Float32Array; shape: number[] };
type Fn = (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
const rng = new Rng(42);
const input = (shape: number[]): In => ({
  values: randomArray(
    rng,
    shape.reduce((a, b) => a * b, 1),
  ),
  shape,
});

/**
 * Every native path the addon offers, each checked against the backend's own kernels: 'onednn' (the binding as loaded:
 * oneDNN convolutions / batch norm, OpenBLAS for the rest) when it was built against oneDNN and POLYTASK_KERNELS does
 * not hide it, and 'openblas' (the same binding without its oneDNN kernels). The plain path is the reference.
 */
const paths: Array<[string, string]> = [];
for (const backend of ['wasm', 'cpu']) {
  if (native && hasOneDnn(native)) paths.push([backend, 'onednn']);
  paths.push([backend, 'openblas']);
}
/** oneDNN calls per path that ran (true) and that were declined (false, left to OpenBLAS). */
const dnnlCalls = { ran: 0, declined: 0 };
function counted(k: NativeKernels): NativeKernels {
  const o: Record<string, unknown> = {};
  const src = k as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of Object.getOwnPropertyNames(k)) {
    const f = src[name]!;
    o[name] = name.startsWith('dnnl')
      ? (...a: unknown[]) => {
          const ok = f(...a);
          dnnlCalls[ok ? 'ran' : 'declined']++;
          return ok;
        }
      : f;
  }
  return o as unknown as NativeKernels;
}
const kernelsFor = (path: string): NativeKernels => (path === 'onednn' ? counted(native!) : openblasOnly(native!));

describe.skipIf(!native).each(paths)('native kernel overrides on %s (%s path)', (backend, path) => {
  let reg: BlasRegistration;
  const kernels = native ? kernelsFor(path) : (undefined as unknown as NativeKernels);
  beforeAll(async () => {
    await tf.setBackend(backend);
    registerMissingKernels(backend);
    reg = registerBlasKernels(backend, kernels);
  });
  afterAll(() => reg.restore());

  /** Runs fn with the overrides and with the backend's own kernels; expects equal shapes and values within 1e-4. */
  function compare(inputs: In[], fn: Fn, label = '', plainFn: Fn = fn): void {
    const engineBackend = tf.engine().backend as unknown as { numDataIds(): number };
    const tensors = tf.memory().numTensors;
    const ids = engineBackend.numDataIds();
    const fast = runOn(backend, inputs, fn);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(engineBackend.numDataIds()).toBe(ids);
    reg.restore();
    let plain: ReturnType<typeof runOn>;
    try {
      plain = runOn(backend, inputs, plainFn);
    } finally {
      reg = registerBlasKernels(backend, kernels);
    }
    expect(fast.length).toBe(plain.length);
    fast.forEach((o, i) => {
      expect(o.shape, label).toEqual(plain[i]!.shape);
      expect(relError(o.values, plain[i]!.values), label).toBeLessThan(1e-4);
    });
  }

  it('BatchMatMul: transposes, batches, broadcast batch dims, odd sizes', () => {
    const cases: Array<[number[], number[], boolean, boolean]> = [
      [[5, 7], [7, 3], false, false],
      [[7, 5], [7, 3], true, false],
      [[5, 7], [3, 7], false, true],
      [[7, 5], [3, 7], true, true],
      [[1, 1], [1, 1], false, false],
      [[33, 65], [65, 17], false, false],
      [[4, 5, 7], [4, 7, 3], false, false],
      [[4, 7, 5], [4, 3, 7], true, true],
      [[1, 5, 7], [4, 7, 3], false, false],
      [[4, 5, 7], [1, 7, 3], false, false],
      [[3, 5, 7], [7, 3], false, false],
      [[2, 3, 5, 7], [3, 7, 3], false, false],
    ];
    for (const [a, b, ta, tb] of cases) compare([input(a), input(b)], (x, y) => tf.matMul(x!, y!, ta, tb), `${a} x ${b} ${ta} ${tb}`);
    // Batch dims that both broadcast ([2,1] with [3]): the stock kernels get these wrong, so the reference
    // broadcasts explicitly first.
    for (const [a, b, ta, tb, outer] of [
      [[2, 1, 5, 7], [3, 7, 3], false, false, [2, 3]],
      [[2, 1, 7, 5], [1, 3, 3, 7], true, true, [2, 3]],
    ] as Array<[number[], number[], boolean, boolean, number[]]>) {
      compare(
        [input(a), input(b)],
        (x, y) => tf.matMul(x!, y!, ta, tb),
        `${a} x ${b}`,
        (x, y) => tf.matMul(tf.broadcastTo(x!, [...outer, ...a.slice(-2)]), tf.broadcastTo(y!, [...outer, ...b.slice(-2)]), ta, tb),
      );
    }
  });

  // The reference composes matMul + bias + activation from plain ops: the stock wasm _FusedMatMul adds the bias at
  // wrong positions when transposeA is set (tfjs 4.22), so it cannot serve as the reference.
  const activate = (y: tf.Tensor, activation: string, w?: tf.Tensor): tf.Tensor => {
    switch (activation) {
      case 'relu':
        return tf.relu(y);
      case 'relu6':
        return tf.relu6(y);
      case 'elu':
        return tf.elu(y);
      case 'leakyrelu':
        return tf.leakyRelu(y, 0.3);
      case 'sigmoid':
        return tf.sigmoid(y);
      case 'prelu':
        return tf.prelu(y, w!);
      default:
        return y;
    }
  };

  it('_FusedMatMul: bias and every activation, transposes, batches, full-shape bias', () => {
    const acts = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'] as const;
    for (const activation of acts) {
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const a = input(ta ? [9, 6] : [6, 9]);
        const b = input(tb ? [5, 9] : [9, 5]);
        compare(
          [a, b, input([5])],
          (x, y, bias) =>
            tf.fused.matMul({
              a: x as tf.Tensor2D,
              b: y as tf.Tensor2D,
              transposeA: ta,
              transposeB: tb,
              bias,
              activation,
              leakyreluAlpha: 0.3,
            }),
          `${activation} ${ta} ${tb}`,
          (x, y, bias) => activate(tf.add(tf.matMul(x!, y!, ta, tb), bias!), activation),
        );
      }
    }
    compare(
      [input([6, 9]), input([9, 5]), input([5]), input([5])],
      (x, y, bias, w) =>
        tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias, activation: 'prelu', preluActivationWeights: w }),
      'prelu',
      (x, y, bias, w) => activate(tf.add(tf.matMul(x!, y!), bias!), 'prelu', w),
    );
    compare([input([3, 6, 9]), input([3, 9, 5]), input([1])], (x, y, bias) =>
      tf.fused.matMul({ a: x as tf.Tensor3D, b: y as tf.Tensor3D, bias, activation: 'relu' }),
    );
    compare(
      [input([6, 9]), input([9, 5]), input([6, 5])],
      (x, y, bias) => tf.fused.matMul({ a: x as tf.Tensor2D, b: y as tf.Tensor2D, bias, activation: 'relu' }),
      'full bias',
      (x, y, bias) => tf.relu(tf.add(tf.matMul(x!, y!), bias!)),
    );
  });

  it('_FusedMatMul gradients (bias + relu) match', () => {
    compare([input([6, 9]), input([9, 5]), input([5]), input([6, 5])], (x, y, bias, r) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: c, activation: 'relu' }), r!)),
      )([x!, y!, bias!]),
    );
  });

  type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
  const convCases: Array<[number[], number[], number | [number, number], Pad, number]> = [
    [[2, 9, 9, 3], [3, 3, 3, 4], 1, 'same', 1],
    [[2, 9, 9, 3], [3, 3, 3, 4], 2, 'same', 1],
    [[2, 8, 8, 3], [3, 3, 3, 4], 2, 'same', 1],
    [[1, 10, 7, 5], [3, 2, 5, 6], [2, 1], 'valid', 1],
    [
      [2, 8, 8, 4],
      [3, 3, 4, 5],
      1,
      [
        [0, 0],
        [1, 2],
        [2, 1],
        [0, 0],
      ],
      1,
    ],
    [
      [2, 8, 8, 4],
      [3, 3, 4, 5],
      2,
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      1,
    ],
    [[3, 6, 6, 8], [1, 1, 8, 4], 1, 'valid', 1],
    [[3, 6, 6, 8], [1, 1, 8, 4], 2, 'same', 1],
    [[2, 7, 7, 3], [5, 5, 3, 2], 3, 'same', 1],
    [[1, 1, 1, 1], [1, 1, 1, 1], 1, 'valid', 1],
    // Channel counts that are not multiples of the SIMD width, batch 1, odd sizes with stride 2 and 'same'.
    [[1, 13, 11, 13], [3, 3, 13, 17], 2, 'same', 1],
    [[1, 13, 11, 13], [3, 3, 13, 17], 2, 'valid', 1],
    [[3, 9, 10, 32], [3, 3, 32, 24], 1, 'same', 1],
    [[2, 17, 15, 8], [3, 3, 8, 16], 2, 'same', 1],
    [[1, 7, 9, 5], [2, 4, 5, 3], [1, 2], 'same', 1],
    [[2, 5, 5, 3], [5, 5, 3, 4], 1, 'valid', 1],
  ];

  it('Conv2D: strides, same/valid/explicit padding, dilation, pointwise, odd sizes', () => {
    for (const [xs, fs, s, pad] of convCases)
      compare([input(xs), input(fs)], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, s, pad));
    compare([input([1, 11, 11, 3]), input([3, 3, 3, 2])], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same', 'NHWC', 2));
    compare([input([2, 12, 10, 3]), input([3, 3, 3, 4])], (x, f) =>
      tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid', 'NHWC', [2, 3]),
    );
    compare([input([1, 13, 12, 6]), input([3, 3, 6, 10])], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same', 'NHWC', 3));
  });

  it('Conv2DBackpropInput and Conv2DBackpropFilter (via conv2d gradients) on the same cases', () => {
    for (const [xs, fs, s, pad] of convCases) {
      const x = input(xs);
      const f = input(fs);
      const outShape = conv2dOutputShape(xs, fs, s, pad);
      compare([x, f, input(outShape)], (a, b, r) =>
        tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(p as tf.Tensor4D, q as tf.Tensor4D, s, pad), r!)))([a!, b!]),
      );
    }
  });

  it('FusedConv2D: bias + linear/relu/relu6/elu/leakyrelu/sigmoid/prelu, and its gradient', () => {
    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'] as const) {
      compare([input([2, 9, 9, 3]), input([3, 3, 3, 4]), input([4])], (x, f, bias) =>
        tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: 2, pad: 'same', bias, activation, leakyreluAlpha: 0.1 }),
      );
    }
    compare([input([2, 9, 9, 3]), input([3, 3, 3, 4]), input([4]), input([4])], (x, f, bias, w) =>
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: f as tf.Tensor4D,
        strides: 1,
        pad: 'valid',
        bias,
        activation: 'prelu',
        preluActivationWeights: w,
      }),
    );
    compare([input([2, 9, 9, 3]), input([3, 3, 3, 4]), input([4]), input([2, 9, 9, 4])], (x, f, bias, r) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 1, pad: 'same', bias: c, activation: 'relu' }),
            r!,
          ),
        ),
      )([x!, f!, bias!]),
    );
  });

  it('Exp (large tensors, native) and softmax / cross-entropy built on it', () => {
    const big = input([70, 100]);
    for (let i = 0; i < big.values.length; i++) big.values[i] = big.values[i]! * 30; // exp over [-30, 30]
    compare([big], (x) => tf.exp(x!), 'exp');
    compare([input([5000])], (x) => tf.exp(tf.mul(x!, 80)), 'exp ±80');
    compare(
      [input([64, 128])],
      (x) => [tf.tanh(tf.mul(x!, 6)), tf.sigmoid(tf.mul(x!, 40)), tf.tanh(tf.mul(x!, 0.01))],
      'tanh / sigmoid (C loops)',
    );
    // Pow with one exponent: integer (by squaring, negative too) and fractional; a tensor exponent stays on the backend.
    for (const e of [4, 2, -3, 2.5]) compare([input([70, 100])], (x) => tf.pow(e === 2.5 ? tf.abs(x!) : tf.add(x!, 2), e), `pow ${e}`);
    compare([input([70, 100]), input([70, 100])], (x, y) => tf.pow(tf.abs(x!), y!), 'pow tensor');
    compare(
      [input([512, 21]), input([512, 21])],
      (x, y) => tf.grad((l: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.softmax(y!), l))(x!),
      'softmax CE grad',
    );
  });

  it('resizing, bilinear and nearest, and their adjoints (native): up/down-sampling, odd sizes, every corner convention', () => {
    for (const [shape, size] of [
      [
        [2, 3, 4, 2],
        [6, 8],
      ],
      [
        [3, 5, 5, 1],
        [7, 3],
      ],
      [
        [1, 1, 1, 4],
        [3, 2],
      ],
      [
        [4, 16, 16, 5], // threaded: more than 32768 output elements
        [64, 64],
      ],
      [
        [3, 8, 8, 64],
        [16, 16],
      ],
    ] as Array<[number[], [number, number]]>) {
      for (const [align, half] of [
        [false, false],
        [true, false],
        [false, true],
      ]) {
        for (const [kind, op] of [
          ['bilinear', tf.image.resizeBilinear],
          ['nearest', tf.image.resizeNearestNeighbor],
        ] as const) {
          const resized = (z: tf.Tensor) => op(z as tf.Tensor4D, size, align, half);
          const up = (x: tf.Tensor, r: tf.Tensor) => [resized(x), tf.grad((z: tf.Tensor) => tf.sum(tf.mul(resized(z), r)))(x)];
          compare([input(shape), input([shape[0]!, ...size, shape[3]!])], up as Fn, `${kind} ${shape} → ${size} ${align} ${half}`);
        }
      }
    }
  });

  it('sparse softmax cross-entropy (native op when registered): loss and gradient, ignored labels, masks', () => {
    expect(tf.getKernel(SPARSE_SOFTMAX_CE, backend)).toBeDefined();
    for (const [rows, classes] of [
      [1, 2],
      [7, 3],
      [512, 21],
      [2 * 33 * 17, 5],
      [4099, 21], // several row blocks, threaded
    ] as const) {
      // labels in [-1, classes): -1 is the ignore index; a per-position mask on top
      const labels = { values: Int32Array.from({ length: rows }, () => rng.int(classes + 1) - 1), shape: [rows], dtype: 'int32' as const };
      const mask = { values: Float32Array.from({ length: rows }, () => (rng.next() < 0.8 ? 1 : 0)), shape: [rows] };
      const logits = input([rows, classes]);
      for (let i = 0; i < logits.values.length; i++) logits.values[i] = logits.values[i]! * 20; // far from 0: stability
      const fn = (x: tf.Tensor, y: tf.Tensor, m: tf.Tensor) => {
        const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => softmaxCrossEntropy(z, y!, m!))(x!);
        return [value, grad];
      };
      // runOn makes int32 tensors of int32 inputs (In is float32 for every other case)
      compare([logits, labels as unknown as In, mask], fn as Fn, `sparse CE ${rows}x${classes}`);
    }
  });

  it('Sum over leading axes (native from 4096 elements), keepDims, and the cases left to the backend', () => {
    const big = input([8, 32, 33, 21]);
    for (let i = 0; i < big.values.length; i++) big.values[i] = big.values[i]! + 100; // large mean: accumulation error
    for (const axes of [[0], [0, 1], [0, 1, 2], [1, 0], [0, 2], [3], [0, 1, 2, 3], [-4, -3]]) {
      compare([big], (x) => tf.sum(x!, axes), `sum ${axes}`);
      compare([big], (x) => tf.sum(x!, axes, true), `sum ${axes} keepDims`);
    }
    compare([input([7, 5])], (x) => tf.sum(x!, 0), 'small');
    compare([input([70000, 1])], (x) => tf.sum(x!, 0), 'one column');
    // The bias gradient of a channels-last conv, through the override.
    compare([input([4, 16, 16, 8]), input([3, 3, 8, 24]), input([24])], (x, f, b) =>
      tf.grads((z: tf.Tensor, w: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.square(tf.fused.conv2d({ x: z as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: c }))),
      )([x!, f!, b!]),
    );
  });

  it('Adam / AdamW / Adam + L2 in one native pass: the same steps as the element-wise chain', () => {
    expect(tf.getKernel(ADAM_UPDATE, backend)).toBeDefined();
    for (const config of [
      { name: 'adam', lr: 0.01 },
      { name: 'adam', lr: 0.01, weightDecay: 0.1 },
      { name: 'adamw', lr: 0.003, weightDecay: 0.05, beta1: 0.8, beta2: 0.99 },
    ]) {
      const train = (w0: tf.Tensor, ...grads: tf.Tensor[]) => {
        const p = createParameter('w', tf.clone(w0));
        const opt = new Optimizer([p], OptimizerConfig.parse(config));
        for (const g of grads) opt.apply([g], config.lr);
        const out = [tf.clone(p.variable), ...opt.getState().slots[0]!.map((s) => tf.tensor(s, w0.shape))];
        opt.dispose();
        p.variable.dispose();
        return out;
      };
      // 3·7·11·401 elements: threaded, with an odd tail
      const shape = [3, 7, 11, 401];
      compare([input(shape), input(shape), input(shape), input(shape)], train, `${config.name} wd ${config.weightDecay ?? 0}`);
    }
  });

  it('heatmap focal loss (native op when registered): value and gradient, default or given peaks, weights, exponents', () => {
    expect(tf.getKernel(HEATMAP_FOCAL_LOSS, backend)).toBeDefined();
    const shape = [3, 17, 19, 5]; // 4845 elements: several blocks of three samples' runs, with tails
    const logits = input(shape);
    for (let i = 0; i < logits.values.length; i++) logits.values[i] = logits.values[i]! * 12; // saturated p too
    const target = input(shape);
    for (let i = 0; i < target.values.length; i++) target.values[i] = i % 37 === 0 ? 1 : Math.abs(target.values[i]!) * 0.95;
    const peaks = { values: target.values.map((v, i) => (v === 1 || i % 101 === 0 ? 1 : 0)), shape };
    const cases: Array<[string, (x: tf.Tensor, y: tf.Tensor, q: tf.Tensor, w: tf.Tensor) => tf.Scalar]> = [
      ['default', (x, y) => heatmapFocalLoss(x, y)],
      ['peaks + count', (x, y, q) => heatmapFocalLoss(x, y, { peaks: q, count: 40 })],
      ['weights', (x, y, _q, w) => heatmapFocalLoss(x, y, { weight: w })],
      ['alpha 1 beta 3', (x, y) => heatmapFocalLoss(x, y, { alpha: 1, beta: 3 })],
    ];
    for (const [label, loss] of cases) {
      const fn = (x: tf.Tensor, y: tf.Tensor, q: tf.Tensor, w: tf.Tensor) => {
        const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => loss(z, y, q, w))(x);
        return [value, grad];
      };
      compare([logits, target, peaks, { values: Float32Array.from([1, 0, 0.5]), shape: [3] }], fn as Fn, `focal ${label}`);
    }
  });

  it('gather rows (embedding lookups) and its gradient, the scatter-add (native), on axis 0 only', () => {
    const table = input([1000, 16]);
    const ids = { values: Int32Array.from({ length: 53 * 26 }, () => rng.int(1000)), shape: [53, 26], dtype: 'int32' as const };
    const r = input([53, 26, 16]);
    compare(
      [table, ids as unknown as In, r],
      (t, i, w) => [tf.gather(t!, i!), tf.grad((z: tf.Tensor) => tf.sum(tf.mul(tf.gather(z, i!), w!)))(t!)],
      'gather + grad',
    );
    compare([input([5, 7, 3]), { values: Int32Array.from([2, 0, 2]), shape: [3], dtype: 'int32' } as unknown as In], (t, i) => [
      tf.gather(t!, i!, 1),
      tf.gather(t!, i!, 0),
    ]);
    // Segment sums with ids outside [0, segments) dropped.
    const seg = { values: Int32Array.from([0, 3, -1, 3, 9, 1]), shape: [6], dtype: 'int32' as const };
    compare([input([6, 5]), seg as unknown as In], (x, i) => tf.unsortedSegmentSum(x!, i! as tf.Tensor1D, 4), 'segment sum');
  });

  it('LSTM recurrences (native when registered): BiLstm outputs and every gradient, with and without lengths', () => {
    expect(tf.getKernel(LSTM_FORWARD, backend)).toBeDefined();
    const lstm = new BiLstm('lstm_test', 6, 5, new Rng(9));
    const weights = lstm.parameters().map((p) => p.variable);
    for (const lengths of [undefined, [7, 3, 1]]) {
      const fn = (x: tf.Tensor, r: tf.Tensor) => {
        const loss = (z: tf.Tensor) => tf.sum(tf.mul(lstm.apply(z as tf.Tensor3D, undefined, lengths), r));
        const { value, grads } = tf.variableGrads(() => loss(x) as tf.Scalar, weights);
        return [lstm.apply(x as tf.Tensor3D, undefined, lengths), value, tf.grad(loss)(x), ...weights.map((w) => grads[w.name]!)];
      };
      compare([input([3, 7, 6]), input([3, 7, 10])], fn as Fn, `bilstm lengths ${lengths}`);
    }
    for (const p of lstm.parameters()) p.variable.dispose();
  });

  it('float32 tensors cast from int32 / bool (the cpu backend keeps their integer storage)', () => {
    // On cpu, Cast to float32 shares the Int32Array / Uint8Array of its input; the overrides threw on it.
    const ints = (t: tf.Tensor) => tf.cast(tf.cast(tf.mul(t, 5), 'int32'), 'float32');
    const bools = (t: tf.Tensor) => tf.cast(tf.greater(t, 0), 'float32');
    compare([input([6, 9]), input([9, 5])], (x, y) => tf.matMul(ints(x!), bools(y!)), 'matMul');
    compare([input([6, 9]), input([9, 5]), input([5]), input([5])], (x, y, bias, w) =>
      tf.fused.matMul({
        a: ints(x!) as tf.Tensor2D,
        b: y as tf.Tensor2D,
        bias: ints(bias!),
        activation: 'prelu',
        preluActivationWeights: bools(w!),
      }),
    );
    compare([input([2, 9, 9, 3]), input([3, 3, 3, 4]), input([4]), input([2, 9, 9, 4])], (x, f, bias, r) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.fused.conv2d({ x: a as tf.Tensor4D, filter: b as tf.Tensor4D, strides: 1, pad: 'same', bias: c, activation: 'relu' }),
            ints(r!),
          ),
        ),
      )([ints(x!), bools(f!), ints(bias!)]),
    );
    compare([input([2, 8, 8, 3]), input([3, 3, 3, 4]), input([2, 8, 8, 4])], (x, f, dy) => [
      tf.conv2dTranspose(ints(dy!) as tf.Tensor4D, bools(f!) as tf.Tensor4D, [2, 8, 8, 3], 1, 'same'),
      tf.conv2d(ints(x!) as tf.Tensor4D, ints(f!) as tf.Tensor4D, 1, 'same'),
    ]);
    compare([input([5000])], (x) => tf.exp(ints(x!)), 'exp');
  });

  it('BatchNorm in training mode, alone and fused with ReLU: output, running statistics and gradients (native op when registered)', () => {
    for (const shape of [
      [2, 5, 7, 3],
      [1, 9, 9, 16],
      [8, 4, 4, 33],
      [13, 6],
      [1, 1, 1, 5],
    ]) {
      const c = shape[shape.length - 1]!;
      const x = input(shape);
      for (let i = 0; i < x.values.length; i++) x.values[i] = x.values[i]! * 3 + 5; // mean ≫ spread
      const bn = new BatchNorm('bn_test', c);
      for (const relu of [false, true]) {
        const apply = (a: tf.Tensor) => (relu ? bn.applyRelu(a, { training: true }) : bn.apply(a, { training: true }));
        const fn = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor, r: tf.Tensor) => {
          bn.gamma.variable.assign(tf.add(g, 1));
          bn.beta.variable.assign(b);
          bn.movingMean.variable.assign(tf.zeros([c]));
          bn.movingVariance.variable.assign(tf.ones([c]));
          const [dx, dg, db] = tf.grads((a: tf.Tensor, _g: tf.Tensor, _b: tf.Tensor) => tf.sum(tf.mul(apply(a), r!)))([
            xs!,
            bn.gamma.variable,
            bn.beta.variable,
          ]);
          return [apply(xs!), dx!, dg!, db!, tf.clone(bn.movingMean.variable), tf.clone(bn.movingVariance.variable)];
        };
        compare([x, input([c]), input([c]), input(shape)], fn, `bn ${shape}${relu ? ' + relu' : ''}`);
      }
      for (const p of bn.parameters()) p.variable.dispose();
    }
  });

  it('large element-wise kernels: unary ops and broadcasting binary ops (oneDNN from 65536 elements)', () => {
    const big = [4, 33, 17, 31]; // 69564 elements, odd sizes
    const pos = (t: tf.Tensor) => tf.add(tf.abs(t), 0.1);
    compare([input(big)], (x) => [tf.exp(x!), tf.sigmoid(x!), tf.tanh(x!), tf.relu(x!), tf.square(x!), tf.abs(x!), tf.neg(x!)], 'unary');
    compare([input(big)], (x) => [tf.log(pos(x!)), tf.sqrt(pos(x!))], 'log/sqrt');
    const c = big[3]!;
    for (const other of [big, [c], [4, 1, 17, 1], []]) {
      compare(
        [input(big), input(other)],
        (a, b) => [
          tf.add(a!, b!),
          tf.add(b!, a!),
          tf.sub(a!, b!),
          tf.sub(b!, a!),
          tf.mul(b!, a!),
          tf.div(a!, pos(b!)),
          tf.div(b!, pos(a!)),
          tf.maximum(b!, a!),
          tf.minimum(a!, b!),
        ],
        `binary ${big} with ${other}`,
      );
      // Comparisons into bool, on values with many ties, both operand orders.
      const q = (t: tf.Tensor) => tf.round(tf.mul(t, 2));
      compare(
        [input(big), input(other)],
        (a, b) => [
          ...[tf.equal, tf.notEqual, tf.greater, tf.greaterEqual, tf.less, tf.lessEqual].flatMap((cmp) => [
            cmp(q(a!), q(b!)),
            cmp(q(b!), q(a!)),
          ]),
        ],
        `comparisons ${big} with ${other}`,
      );
    }
    // The gradient of a max over time (equal against the broadcast maximum).
    compare([input([64, 32, 40]), input([64, 40])], (x, r) => tf.grad((z: tf.Tensor) => tf.sum(tf.mul(tf.max(z, 1), r!)))(x!), 'max grad');
    compare(
      [input([22000, 3]), input([22000, 3])],
      (x, y) => tf.grad((l: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.softmax(y!), l))(x!),
      'softmax CE grad, large',
    );
  });

  it.runIf(path === 'onednn')('ran every convolution and batch norm above on oneDNN (none left to OpenBLAS)', () => {
    expect(dnnlCalls.ran).toBeGreaterThan(100);
    expect(dnnlCalls.declined).toBe(0);
  });

  it('numerical gradient checks (conv2d, matMul) with the overrides active', () => {
    const check = (xs: number[], other: In, loss: (x: tf.Tensor, o: tf.Tensor) => tf.Scalar) => {
      const x = input(xs);
      const f = (v: Float32Array) => tf.tidy(() => loss(tf.tensor(v, xs), tf.tensor(other.values, other.shape)).dataSync()[0]!);
      const analytic = tf.tidy(() =>
        tf
          .grad((t: tf.Tensor) => loss(t, tf.tensor(other.values, other.shape)))(tf.tensor(x.values, xs))
          .dataSync(),
      );
      const coords = [0, 3, x.values.length >> 1, x.values.length - 1];
      const numeric = numericalGradient(f, x.values, coords, 1e-2);
      coords.forEach((c, k) => {
        expect(Math.abs(analytic[c]! - numeric[k]!)).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric[k]!)));
      });
    };
    check([2, 7, 7, 3], input([3, 3, 3, 4]), (x, f) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'))));
    check([3, 3, 3, 4], input([2, 7, 7, 3]), (f, x) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid'))));
    check([4, 6], input([6, 5]), (a, b) => tf.sum(tf.square(tf.matMul(a, b))));
  });
});
