import * as tf from '@tensorflow/tfjs';
import { LSTM_BACKWARD, LSTM_FORWARD } from '../backend/blas-kernels.js';
import type { Rng } from '../util/rng.js';
import { glorotUniform } from './init.js';
import { createParameter, type ForwardContext, type Module, type Parameter } from './module.js';

export interface LstmOptions {
  /** Process the sequence last step first (the backward half of a BiLstm). Outputs stay in input time order. */
  reverse?: boolean;
}

type LstmFn = (xT: tf.Tensor3D, wx: tf.Tensor2D, wh: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor3D;

/** What the forward recurrence keeps for the backward one: h, c, tanh(z_g) [L, B, H] and σ(z) [L, B, 4H] per step. */
interface Recurrence {
  out: tf.Tensor3D;
  C: tf.Tensor3D;
  G: tf.Tensor3D;
  S: tf.Tensor3D;
}

/** The forward recurrence as tfjs ops: per step the recurrent GEMM and the cell update (about ten kernels). */
function recurrenceOps(xw: tf.Tensor3D, wh: tf.Tensor2D, reverse: boolean): Recurrence {
  const [L, B] = xw.shape;
  const H = wh.shape[0];
  const xws = tf.unstack(xw);
  const hs: tf.Tensor[] = new Array(L);
  const cs: tf.Tensor[] = new Array(L);
  const ss: tf.Tensor[] = new Array(L);
  const gs: tf.Tensor[] = new Array(L);
  let h: tf.Tensor | undefined;
  let c: tf.Tensor | undefined;
  for (let k = 0; k < L; k++) {
    const t = reverse ? L - 1 - k : k;
    const z = h ? tf.add(xws[t]!, tf.matMul(h, wh)) : xws[t]!;
    const s = tf.sigmoid(z);
    const g = tf.tanh(tf.slice(z, [0, 2 * H], [B, H]));
    const i = tf.slice(s, [0, 0], [B, H]);
    const o = tf.slice(s, [0, 3 * H], [B, H]);
    const ig = tf.mul(i, g);
    c = c ? tf.add(tf.mul(tf.slice(s, [0, H], [B, H]), c), ig) : ig;
    h = tf.mul(o, tf.tanh(c));
    hs[t] = h;
    cs[t] = c;
    ss[t] = s;
    gs[t] = g;
  }
  return {
    out: tf.stack(hs) as tf.Tensor3D,
    C: tf.stack(cs) as tf.Tensor3D,
    G: tf.stack(gs) as tf.Tensor3D,
    S: tf.stack(ss) as tf.Tensor3D,
  };
}

/**
 * The backward recurrence as tfjs ops: dG [L, B, 4H], the gradient of every step's pre-activations, with every
 * quantity that does not depend on the recurrence precomputed for all steps at once; per step only dh·Whᵀ and a few
 * element-wise ops.
 */
function recurrenceGradOps(dy: tf.Tensor3D, wh: tf.Tensor2D, { out, C, G, S }: Recurrence, reverse: boolean): tf.Tensor3D {
  const [L, B, H] = out.shape;
  const I = tf.slice(S, [0, 0, 0], [L, B, H]);
  const F = tf.slice(S, [0, 0, H], [L, B, H]);
  const O = tf.slice(S, [0, 0, 3 * H], [L, B, H]);
  const Cprev = shiftInTime(C, reverse);
  const TC = tf.tanh(C);
  const dsig = (x: tf.Tensor) => tf.mul(x, tf.sub(1, x));
  const A = tf.mul(O, tf.sub(1, tf.square(TC)));
  const P = tf.concat([tf.mul(G, dsig(I)), tf.mul(Cprev, dsig(F)), tf.mul(I, tf.sub(1, tf.square(G))), tf.mul(TC, dsig(O))], 2);
  const dys = tf.unstack(dy);
  const As = tf.unstack(A);
  const Ps = tf.unstack(P);
  const Fs = tf.unstack(F);
  const dGs: tf.Tensor[] = new Array(L);
  let dhNext: tf.Tensor | undefined;
  let dcNext: tf.Tensor | undefined;
  for (let k = L - 1; k >= 0; k--) {
    const t = reverse ? L - 1 - k : k;
    const dh = dhNext ? tf.add(dys[t]!, dhNext) : dys[t]!;
    const dhA = tf.mul(dh, As[t]!);
    const dc = dcNext ? tf.add(dhA, dcNext) : dhA;
    const dG = tf.mul(tf.concat([dc, dc, dc, dh], 1), Ps[t]!);
    dGs[t] = dG;
    if (k > 0) {
      dhNext = tf.matMul(dG, wh, false, true);
      dcNext = tf.mul(dc, Fs[t]!);
    }
  }
  return tf.stack(dGs) as tf.Tensor3D;
}

/** The state entering each step (zeros before the first processed step). */
function shiftInTime(x: tf.Tensor3D, reverse: boolean): tf.Tensor3D {
  const [L, B, H] = x.shape;
  const z = tf.zeros([1, B, H]);
  return (
    reverse ? tf.concat([tf.slice(x, [1, 0, 0], [L - 1, B, H]), z], 0) : tf.concat([z, tf.slice(x, [0, 0, 0], [L - 1, B, H])], 0)
  ) as tf.Tensor3D;
}

function nativeRecurrence(): boolean {
  const backend = tf.getBackend();
  return tf.getKernel(LSTM_FORWARD, backend) !== undefined && tf.getKernel(LSTM_BACKWARD, backend) !== undefined;
}

/**
 * The whole LSTM layer as one differentiable op with a hand-written backward pass (tf.customGrad), on time-major
 * input [L, B, E] → hidden states [L, B, H]. Gate layout i, f, g, o along the 4H axis (Keras' order).
 * Forward: one GEMM for the input projection of all steps, then the recurrence (per step the recurrent GEMM and the
 * cell update). Backward: the recurrence back (dG, the pre-activations' gradient), then dWx, dWh, db and dx as single
 * big GEMMs/sums. With the native addon both recurrences run in C (`LSTM_FORWARD`, `LSTM_BACKWARD`), else as tfjs ops.
 */
function lstmOp(reverse: boolean): LstmFn {
  // biome-ignore lint/suspicious/noExplicitAny: tf.customGrad's typing cannot express (…inputs, save)
  const body: any = (xT: tf.Tensor, wx: tf.Tensor, wh: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const [L, B, E] = xT.shape as [number, number, number];
    const H = (wh as tf.Tensor2D).shape[0];
    const xw = tf.fused.matMul({ a: tf.reshape(xT, [L * B, E]) as tf.Tensor2D, b: wx as tf.Tensor2D, bias: b });
    const xw3 = tf.reshape(xw, [L, B, 4 * H]) as tf.Tensor3D;
    const native = xT.dtype === 'float32' && nativeRecurrence();
    let r: Recurrence;
    if (native) {
      const [out, C, G, S] = tf.engine().runKernel(LSTM_FORWARD, { xw: xw3, wh }, { reverse }) as tf.Tensor3D[];
      r = { out: out!, C: C!, G: G!, S: S! };
    } else {
      r = recurrenceOps(xw3, wh as tf.Tensor2D, reverse);
    }
    save([xT, wx, wh, r.S, r.G, r.C, r.out]);
    return {
      value: r.out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xT_, wx_, wh_, S, G, C, out] = saved as [
          tf.Tensor3D,
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor3D,
          tf.Tensor3D,
          tf.Tensor3D,
          tf.Tensor3D,
        ];
        const dG3 = native
          ? (
              tf.engine().runKernel(LSTM_BACKWARD, { dy: tf.cast(dy, 'float32'), wh: wh_, s: S, g: G, c: C }, { reverse }) as tf.Tensor3D[]
            )[0]!
          : recurrenceGradOps(dy as tf.Tensor3D, wh_, { out, C, G, S }, reverse);
        const dG = tf.reshape(dG3, [L * B, 4 * H]) as tf.Tensor2D;
        const Hprev = shiftInTime(out, reverse);
        const dWx = tf.matMul(tf.reshape(xT_, [L * B, E]) as tf.Tensor2D, dG, true, false);
        const dWh = tf.matMul(tf.reshape(Hprev, [L * B, H]) as tf.Tensor2D, dG, true, false);
        const db = tf.sum(dG, 0);
        const dx = tf.reshape(tf.matMul(dG, wx_, false, true), [L, B, E]);
        return [dx, dWx, dWh, db];
      },
    };
  };
  return tf.customGrad(body) as unknown as LstmFn;
}

/**
 * Lengths of the sequences of a right-padded batch (real tokens first, padding after), one per sample: host numbers
 * or an int32 [B] tensor. With lengths, the reverse direction starts at each sequence's last real token and every
 * output at a padded position is 0, so padding changes no output at a real position.
 */
export type SequenceLengths = ArrayLike<number> | tf.Tensor;

function readLengths(lengths: SequenceLengths, b: number, l: number): Int32Array {
  const values = lengths instanceof tf.Tensor ? lengths.dataSync() : lengths;
  if (values.length !== b) throw new Error(`LSTM: ${values.length} sequence lengths for a batch of ${b}`);
  const out = Int32Array.from(values as ArrayLike<number>);
  for (const n of out) if (!(n >= 0 && n <= l)) throw new Error(`LSTM: sequence length ${n} outside [0, ${l}]`);
  return out;
}

/** Time-major row index that reverses each sequence within its own length (padding stays in place); an involution. */
function reversalIndex(lengths: Int32Array, l: number): tf.Tensor1D {
  const b = lengths.length;
  const index = new Int32Array(l * b);
  for (let t = 0; t < l; t++) {
    for (let i = 0; i < b; i++) {
      const n = lengths[i]!;
      index[t * b + i] = (t < n ? n - 1 - t : t) * b + i;
    }
  }
  return tf.tensor1d(index, 'int32');
}

/** [L, B, 1] float mask: 1 where t < length of sample b. */
function timeMask(lengths: Int32Array, l: number): tf.Tensor3D {
  const b = lengths.length;
  const m = new Float32Array(l * b);
  for (let t = 0; t < l; t++) for (let i = 0; i < b; i++) m[t * b + i] = t < lengths[i]! ? 1 : 0;
  return tf.tensor3d(m, [l, b, 1]);
}

/** One LSTM direction (Keras weight layout: kernel [in, 4H], recurrent_kernel [H, 4H], bias [4H]; gates i, f, g, o). */
export class Lstm implements Module {
  readonly kernel: Parameter;
  readonly recurrentKernel: Parameter;
  readonly bias: Parameter;
  readonly reverse: boolean;
  private readonly op: LstmFn;
  /** The forward-time op, which a reverse layer runs on per-sequence reversed input when lengths are given. */
  private readonly forwardOp: LstmFn;

  constructor(
    readonly name: string,
    readonly inputUnits: number,
    readonly units: number,
    rng: Rng,
    options: LstmOptions = {},
  ) {
    this.reverse = options.reverse ?? false;
    const H = units;
    this.kernel = createParameter(`${name}/kernel`, glorotUniform([inputUnits, 4 * H], inputUnits, 4 * H, rng));
    this.recurrentKernel = createParameter(`${name}/recurrent_kernel`, glorotUniform([H, 4 * H], H, 4 * H, rng));
    // Forget-gate bias 1 (Keras' unit_forget_bias).
    const b = new Float32Array(4 * H);
    b.fill(1, H, 2 * H);
    this.bias = createParameter(`${name}/bias`, tf.tensor1d(b));
    this.op = lstmOp(this.reverse);
    this.forwardOp = this.reverse ? lstmOp(false) : this.op;
  }

  /**
   * Time-major input [L, B, in] → hidden states [L, B, H] (in input time order). With `lengths`, a reverse layer
   * reads each sequence backwards from its last real token (the padding is moved behind it, where a recurrence cannot
   * reach the real steps), and outputs at padded positions are 0.
   */
  applyTimeMajor(xT: tf.Tensor3D, lengths?: SequenceLengths): tf.Tensor3D {
    const weights = [
      this.kernel.variable as tf.Tensor2D,
      this.recurrentKernel.variable as tf.Tensor2D,
      this.bias.variable as tf.Tensor1D,
    ] as const;
    if (lengths === undefined) return this.op(xT, ...weights);
    return tf.tidy(() => {
      const [l, b, e] = xT.shape;
      const n = readLengths(lengths, b, l);
      let h: tf.Tensor3D;
      if (this.reverse) {
        const index = reversalIndex(n, l);
        const reversed = tf.reshape(tf.gather(tf.reshape(xT, [l * b, e]), index), [l, b, e]) as tf.Tensor3D;
        const out = this.forwardOp(reversed, ...weights);
        h = tf.reshape(tf.gather(tf.reshape(out, [l * b, this.units]), index), [l, b, this.units]) as tf.Tensor3D;
      } else {
        h = this.op(xT, ...weights);
      }
      return tf.mul(h, timeMask(n, l));
    });
  }

  /** Batch-major input [B, L, in] → [B, L, H]; `lengths` as in `applyTimeMajor`. */
  apply(x: tf.Tensor3D, _ctx?: ForwardContext, lengths?: SequenceLengths): tf.Tensor3D {
    return tf.tidy(() => tf.transpose(this.applyTimeMajor(tf.transpose(x, [1, 0, 2]) as tf.Tensor3D, lengths), [1, 0, 2]) as tf.Tensor3D);
  }

  parameters(): Parameter[] {
    return [this.kernel, this.recurrentKernel, this.bias];
  }
}

/** Bidirectional LSTM: forward and reverse directions concatenated on the feature axis ([B, L, 2H]). */
export class BiLstm implements Module {
  readonly forward: Lstm;
  readonly backward: Lstm;

  constructor(
    readonly name: string,
    readonly inputUnits: number,
    readonly units: number,
    rng: Rng,
  ) {
    this.forward = new Lstm(`${name}/forward`, inputUnits, units, rng);
    this.backward = new Lstm(`${name}/backward`, inputUnits, units, rng, { reverse: true });
  }

  /** [B, L, in] → [B, L, 2H]; with `lengths`, padding-aware in both directions (see `SequenceLengths`). */
  apply(x: tf.Tensor3D, _ctx?: ForwardContext, lengths?: SequenceLengths): tf.Tensor3D {
    return tf.tidy(() => {
      const xT = tf.transpose(x, [1, 0, 2]) as tf.Tensor3D;
      const n = lengths === undefined ? undefined : readLengths(lengths, x.shape[0], x.shape[1]);
      const both = tf.concat([this.forward.applyTimeMajor(xT, n), this.backward.applyTimeMajor(xT, n)], 2);
      return tf.transpose(both, [1, 0, 2]) as tf.Tensor3D;
    });
  }

  parameters(): Parameter[] {
    return [...this.forward.parameters(), ...this.backward.parameters()];
  }
}
