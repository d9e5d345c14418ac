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
});
