import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Activation, loadCpuKernels, loadFailure } from '../index.js';

const k = loadCpuKernels();
const rand = (n, seed = 1) => {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
};
const close = (a, b, tol = 1e-4) => {
  let d = 0;
  let m = 1e-12;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / m < tol;
};

it('loads, or says why not', () => {
  if (!k) expect(loadFailure()).toBeTruthy();
  else expect(k.info().threads).toBeGreaterThan(0);
});

describe.skipIf(!k)('native kernels against naive loops', () => {
  it('batchMatMul with transposes and broadcast indices, epilogue with bias + relu', () => {
    const [M, N, K] = [5, 3, 7];
    const a = rand(2 * M * K, 2);
    const b = rand(K * N, 3);
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const out = new Float32Array(2 * M * N);
      k.batchMatMul(a, b, out, 2, M, N, K, ta, tb, null, new Int32Array(2));
      const ref = new Float32Array(2 * M * N);
      for (let z = 0; z < 2; z++)
        for (let i = 0; i < M; i++)
          for (let j = 0; j < N; j++) {
            let s = 0;
            for (let p = 0; p < K; p++) s += a[z * M * K + (ta ? p * M + i : i * K + p)] * b[tb ? j * K + p : p * N + j];
            ref[(z * M + i) * N + j] = s;
          }
      expect(close(out, ref)).toBe(true);
    }
    const y = Float32Array.from([-1, 2, -3, 4]);
    k.epilogue(y, 2, 2, Float32Array.from([0.5, -0.5]), Activation.relu, 0, null);
    expect(Array.from(y)).toEqual([0, 1.5, 0, 3.5]);
  });

  it('conv2d / backprops agree with a direct convolution (stride 2, asymmetric padding, dilation)', () => {
    const g = { n: 2, h: 7, w: 6, cin: 3, oh: 4, ow: 3, cout: 2, fh: 3, fw: 2, sh: 2, sw: 2, dh: 1, dw: 2, pt: 1, pl: 0 };
    const geo = [g.n, g.h, g.w, g.cin, g.oh, g.ow, g.cout, g.fh, g.fw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl];
    const x = rand(g.n * g.h * g.w * g.cin, 4);
    const f = rand(g.fh * g.fw * g.cin * g.cout, 5);
    const dy = rand(g.n * g.oh * g.ow * g.cout, 6);
    const y = new Float32Array(dy.length);
    const dx = new Float32Array(x.length);
    const dw = new Float32Array(f.length);
    const yr = new Float32Array(dy.length);
    const dxr = new Float32Array(x.length);
    const dwr = new Float32Array(f.length);
    for (let b = 0; b < g.n; b++)
      for (let oy = 0; oy < g.oh; oy++)
        for (let ox = 0; ox < g.ow; ox++)
          for (let ky = 0; ky < g.fh; ky++)
            for (let kx = 0; kx < g.fw; kx++) {
              const iy = oy * g.sh - g.pt + ky * g.dh;
              const ix = ox * g.sw - g.pl + kx * g.dw;
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
              for (let c = 0; c < g.cin; c++)
                for (let o = 0; o < g.cout; o++) {
                  const xi = ((b * g.h + iy) * g.w + ix) * g.cin + c;
                  const fi = ((ky * g.fw + kx) * g.cin + c) * g.cout + o;
                  const yi = ((b * g.oh + oy) * g.ow + ox) * g.cout + o;
                  yr[yi] += x[xi] * f[fi];
                  dxr[xi] += dy[yi] * f[fi];
                  dwr[fi] += dy[yi] * x[xi];
                }
            }
    k.conv2d(x, f, y, ...geo);
    k.conv2dBackpropInput(dy, f, dx, ...geo);
    k.conv2dBackpropFilter(x, dy, dw, ...geo);
    expect(close(y, yr)).toBe(true);
    expect(close(dx, dxr)).toBe(true);
    expect(close(dw, dwr)).toBe(true);
  });

  it('rejects buffers that do not match the geometry', () => {
    expect(() =>
      k.conv2d(new Float32Array(4), new Float32Array(4), new Float32Array(4), 1, 9, 9, 1, 9, 9, 1, 1, 1, 1, 1, 1, 1, 0, 0),
    ).toThrow(/sizes/);
    expect(() => k.batchMatMul(new Float32Array(4), new Float32Array(4), new Float32Array(1), 1, 2, 2, 2, false, false)).toThrow(
      /too small/,
    );
  });

  it('rejects malformed arguments instead of reading past arrays, dereferencing null or ignoring them', () => {
    const f = (n, v = 1) => new Float32Array(n).fill(v);
    // An index array shorter than the batch was read past its end.
    expect(() => k.batchMatMul(f(8), f(4), f(8), 2, 2, 2, 2, false, false, new Int32Array(1), null)).toThrow(/shorter/);
    expect(() => k.batchMatMul(f(8), f(4), f(8), 2, 2, 2, 2, false, false, null, new Int32Array(0))).toThrow(/shorter/);
    // conv2d with the PReLU activation and no weights dereferenced a null pointer (segfault).
    expect(() => k.conv2d(f(4), f(1), f(4), 1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, null, Activation.prelu, 0, null)).toThrow(/prelu/);
    // A bias that is neither per column nor a single value was silently read as bias[0]; unknown activations ignored.
    expect(() => k.epilogue(f(4), 2, 2, f(3), Activation.linear, 0, null)).toThrow(/bias/);
    expect(() => k.epilogue(f(4), 2, 2, null, Activation.prelu, 0, f(3))).toThrow(/prelu/);
    expect(() => k.epilogue(f(4), 2, 2, null, 42, 0, null)).toThrow(/activation/);
    // Missing, mistyped or negative sizes read as 0 (output left unwritten) or reached CBLAS; zero strides were taken.
    const geo = [1, 2, 2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0];
    for (const bad of [undefined, '1', -1, 1.5, Number.NaN, 2 ** 40]) {
      expect(() => k.conv2d(f(4), f(1), f(4), bad, ...geo.slice(1))).toThrow(/integer/);
      expect(() => k.conv2dBackpropInput(f(4), f(1), f(4), ...geo.slice(0, 14), bad)).toThrow(/integer/);
      expect(() => k.batchMatMul(f(4), f(4), f(4), 1, bad, 2, 2, false, false)).toThrow(/integer/);
    }
    expect(() => k.conv2dBackpropFilter(f(4), f(4), f(1), ...geo.slice(0, 9), 0, ...geo.slice(10))).toThrow(/integer/);
    expect(() => k.conv2dBackpropFilter(f(4), f(4), f(1), ...geo.slice(0, 11), 0, ...geo.slice(12))).toThrow(/integer/);
  });

  it('empty products: zero-size outputs are left alone, K = 0 gives zeros (+ bias), without CBLAS errors', () => {
    const out = Float32Array.from([7, 7, 7, 7]);
    k.batchMatMul(new Float32Array(0), new Float32Array(0), out, 2, 1, 2, 0, false, false);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
    k.batchMatMul(new Float32Array(6), new Float32Array(0), new Float32Array(0), 1, 2, 0, 3, true, false);
    const y = Float32Array.from([7, 7, 7, 7]);
    k.conv2d(new Float32Array(0), new Float32Array(0), y, 1, 2, 2, 0, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0, Float32Array.of(0.5), 0, 0, null);
    expect(Array.from(y)).toEqual([0.5, 0.5, 0.5, 0.5]);
    const dx = Float32Array.from([7, 7, 7, 7]);
    k.conv2dBackpropInput(new Float32Array(0), new Float32Array(0), dx, 1, 2, 2, 1, 2, 2, 0, 1, 1, 1, 1, 1, 1, 0, 0);
    expect(Array.from(dx)).toEqual([0, 0, 0, 0]);
  });

  it('exp matches Math.exp over its whole finite range', () => {
    const n = 200_000;
    const lo = -87.3;
    const hi = 88.72283172607422; // the largest float whose exp is finite
    const x = Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
    x[n - 1] = hi;
    const y = new Float32Array(n);
    k.exp(x, y);
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const ref = Math.exp(x[i]);
      worst = Math.max(worst, Math.abs(y[i] - ref) / ref);
    }
    // Was +Infinity from 88.38 (127.5·ln2) on, where float exp is still finite.
    expect(worst).toBeLessThan(1e-6);
    const over = Float32Array.of(88.72283935546875, 100, Number.POSITIVE_INFINITY);
    k.exp(over, over);
    expect(Array.from(over)).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
  });

  it('sparseSoftmaxCrossEntropy: loss and softmax − onehot per row, zeros for an ignored label, checked sizes', () => {
    // row 0: logits [0, ln 3] → softmax [¼, ¾]; row 1: huge logits (stability); row 2: ignore index -1
    const logits = Float32Array.from([0, Math.log(3), 1000, 1000 + Math.log(3), 5, 7]);
    const loss = new Float32Array(3).fill(9);
    const grad = new Float32Array(6).fill(9);
    k.sparseSoftmaxCrossEntropy(logits, Int32Array.from([1, 0, -1]), loss, grad, 3, 2);
    expect(close(loss, [-Math.log(0.75), -Math.log(0.25), 0])).toBe(true);
    expect(close(grad, [0.25, -0.25, 0.25 - 1, 0.75, 0, 0])).toBe(true);
    expect(() => k.sparseSoftmaxCrossEntropy(logits, new Int32Array(2), loss, grad, 3, 2)).toThrow(/too small/);
  });

  it('tanh and sigmoid match Math.tanh and the logistic function, tiny and saturated arguments included', () => {
    const n = 100_001;
    const x = Float32Array.from({ length: n }, (_, i) => -30 + (60 * i) / (n - 1));
    x.set([1e-7, -3e-4, 0.05, 0.07, 88, -88], 0);
    const t = new Float32Array(n);
    const s = new Float32Array(n);
    k.tanh(x, t);
    k.sigmoid(x, s);
    let worstT = 0;
    let worstS = 0;
    for (let i = 0; i < n; i++) {
      worstT = Math.max(worstT, Math.abs(t[i] - Math.tanh(x[i])) / Math.max(Math.abs(Math.tanh(x[i])), 1e-30));
      const ref = 1 / (1 + Math.exp(-x[i]));
      worstS = Math.max(worstS, Math.abs(s[i] - ref) / Math.max(ref, 1e-30)); // below FLT_MIN it flushes to 0, like exp
    }
    expect(worstT).toBeLessThan(1e-6);
    expect(worstS).toBeLessThan(1e-6);
  });

  it('exp: NaN stays NaN, in place and out of place, on every code path (SIMD body and scalar tail)', () => {
    for (const n of [3, 16, 100_003]) {
      const x = rand(n, 5).map((v) => v * 20);
      x[n - 1] = Number.NaN;
      const y = new Float32Array(n);
      k.exp(x, y);
      k.exp(x, x);
      expect(Number.isNaN(y[n - 1]) && Number.isNaN(x[n - 1])).toBe(true);
      expect(Array.from(x.subarray(0, n - 1))).toEqual(Array.from(y.subarray(0, n - 1)));
    }
  });

  it('sumRows: column sums over many rows to float precision, threaded or not; checked sizes', () => {
    for (const [rows, cols] of [
      [1, 1],
      [7, 3],
      [8 * 32 * 32, 64],
      [100_003, 1],
    ]) {
      const x = rand(rows * cols, 7).map((v) => v + 100); // large mean: a naive float running sum drifts
      const out = new Float32Array(cols);
      k.sumRows(x, out, rows, cols);
      const ref = new Float64Array(cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) ref[c] += x[r * cols + c];
      expect(close(out, ref, 1e-6)).toBe(true);
    }
    expect(() => k.sumRows(new Float32Array(5), new Float32Array(2), 3, 2)).toThrow(/too small/);
  });

  it('adamUpdate: one Adam / AdamW / Adam + L2 step against the formula in double', () => {
    const n = 70_001; // threaded, with a tail
    const [w, g, m, v] = [rand(n, 11), rand(n, 12), rand(n, 13), rand(n, 14).map(Math.abs)];
    for (const [l2, decay] of [
      [0, 0],
      [0.1, 0],
      [0, 0.003],
    ]) {
      const out = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
      const [b1, b2, step, eps] = [0.9, 0.999, 0.01, 1e-8];
      k.adamUpdate(w, g, m, v, out[0], out[1], out[2], b1, b2, step, eps, l2, decay);
      const ref = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
      for (let i = 0; i < n; i++) {
        const gi = g[i] + l2 * w[i];
        ref[1][i] = b1 * m[i] + (1 - b1) * gi;
        ref[2][i] = b2 * v[i] + (1 - b2) * gi * gi;
        ref[0][i] = w[i] - ((step * ref[1][i]) / (Math.sqrt(ref[2][i]) + eps) + decay * w[i]);
      }
      for (let j = 0; j < 3; j++) expect(close(out[j], ref[j], 1e-6)).toBe(true);
    }
    expect(() => k.adamUpdate(w, g, m, new Float32Array(3), ...[0, 1, 2].map(() => new Float32Array(n)), 0.9, 0.999, 1, 0, 0, 0)).toThrow(
      /shorter/,
    );
  });

  it('resizeNearest / resizeNearestGrad: copies and their adjoint, threaded over images; taps and sizes checked', () => {
    const [b, h, w, d, oh, ow] = [3, 5, 4, 70, 9, 7];
    const rows = Int32Array.from({ length: oh }, (_, i) => Math.floor((i * h) / oh));
    const cols = Int32Array.from({ length: ow }, (_, j) => Math.floor((j * w) / ow));
    const x = rand(b * h * w * d, 21);
    const y = new Float32Array(b * oh * ow * d);
    k.resizeNearest(x, y, b, h, w, d, oh, ow, rows, cols);
    const dx = new Float32Array(x.length).fill(7);
    k.resizeNearestGrad(y, dx, b, h, w, d, oh, ow, rows, cols);
    const ref = new Float32Array(x.length);
    for (let n = 0; n < b; n++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++)
          for (let c = 0; c < d; c++) {
            const src = ((n * h + rows[i]) * w + cols[j]) * d + c;
            expect(y[((n * oh + i) * ow + j) * d + c]).toBe(x[src]);
            ref[src] += x[src];
          }
    expect(close(dx, ref, 1e-6)).toBe(true);
    const outside = Int32Array.from(rows, (r) => r + 1);
    expect(() => k.resizeNearest(x, y, b, h, w, d, oh, ow, outside, cols)).toThrow(/resizeNearest: row tap outside the image/);
    expect(() => k.resizeNearestGrad(y, dx, b, h, w, d, oh + 1, ow, rows, cols)).toThrow(/too small/);
  });

  it('gatherRows / segmentSumRows: rows copied and added back, out-of-range gathers refused, dropped segment ids', () => {
    const x = rand(5 * 3, 31);
    const y = new Float32Array(4 * 3).fill(9);
    expect(k.gatherRows(x, Int32Array.from([4, 0, 4, 2]), y, 5, 3)).toBe(true);
    expect(Array.from(y)).toEqual([...x.slice(12, 15), ...x.slice(0, 3), ...x.slice(12, 15), ...x.slice(6, 9)]);
    const untouched = new Float32Array(3).fill(7);
    expect(k.gatherRows(x, Int32Array.from([5]), untouched, 5, 3)).toBe(false);
    expect(Array.from(untouched)).toEqual([7, 7, 7]);
    const out = new Float32Array(2 * 3).fill(9);
    k.segmentSumRows(y, Int32Array.from([1, 0, 1, 7]), out, 4, 3, 2);
    const expected = [0, 1, 2].map((j) => y[3 + j]).concat([0, 1, 2].map((j) => y[j] + y[6 + j]));
    expect(close(out, expected, 1e-7)).toBe(true);
    expect(() => k.segmentSumRows(y, Int32Array.from([0]), out, 4, 3, 2)).toThrow(/too small/);
  });

  it('works in worker threads (im2col scratch per environment, freed with it)', async () => {
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const k = require(workerData);
      const x = new Float32Array(2 * 9 * 9 * 3).fill(1), f = new Float32Array(3 * 3 * 3 * 4).fill(1);
      const y = new Float32Array(2 * 9 * 9 * 4);
      k.conv2d(x, f, y, 2, 9, 9, 3, 9, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1);
      parentPort.postMessage(y[(4 * 9 + 4) * 4]);
    `;
    const addon = new URL('../build/Release/cpu_kernels.node', import.meta.url).pathname;
    for (let round = 0; round < 3; round++) {
      const w = new Worker(code, { eval: true, workerData: addon });
      const centre = await new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
      expect(centre).toBe(27);
      await w.terminate();
    }
  });
});
