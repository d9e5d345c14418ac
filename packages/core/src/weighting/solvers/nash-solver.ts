import { solveLinear } from './linear-solve.js';

/**
 * Nash-MTL's bargaining solution (Navon et al. 2022): α > 0 with  G α = 1/α  (elementwise), G = the T×T Gram
 * (GᵀG in the paper's notation, G = [D, T] gradients there).
 * It is the unique stationary point of the strictly convex f(α) = ½ αᵀGα − Σ log αᵢ on α > 0 (∇f = Gα − 1/α),
 * so we run damped Newton on f (Hessian G + diag(1/α²) is positive definite) with a positivity-preserving
 * backtracking line search; convergence is quadratic near the solution. (The paper/LibMTL use a sequence of
 * convex programs with cvxpy; the fixed point is the same.)
 * The problem is solved for Ĝ = G/‖G‖_F (+ ridge·I, which keeps f bounded below when G is singular, e.g. for
 * opposite gradients) and mapped back: α = α̂ / √‖G‖_F.
 */
export interface NashResult {
  readonly alpha: number[];
  /** ‖Gα − 1/α‖ / ‖1/α‖ for the returned α (on the unregularised G). */
  readonly residual: number;
  readonly iterations: number;
}

export function solveNashBargaining(
  gram: readonly (readonly number[])[],
  options: { init?: readonly number[]; maxIterations?: number; ridge?: number; tolerance?: number } = {},
): NashResult {
  const n = gram.length;
  if (n === 0) return { alpha: [], residual: 0, iterations: 0 };
  let fro = 0;
  for (const row of gram) for (const x of row) fro += x * x;
  fro = Math.sqrt(fro);
  if (!(fro > 0) || !Number.isFinite(fro)) return { alpha: new Array<number>(n).fill(1), residual: 0, iterations: 0 };
  const ridge = options.ridge ?? 1e-10;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-12;
  const g = gram.map((row, i) => row.map((x, j) => x / fro + (i === j ? ridge : 0)));
  const root = Math.sqrt(fro);

  const mul = (x: readonly number[]) => g.map((row) => row.reduce((s, gij, j) => s + gij * x[j]!, 0));
  const f = (x: readonly number[]) => {
    const gx = mul(x);
    let v = 0;
    for (let i = 0; i < n; i++) v += 0.5 * x[i]! * gx[i]! - Math.log(x[i]!);
    return v;
  };

  let x: number[];
  const init = options.init;
  if (init && init.length === n && init.every((a) => a > 0 && Number.isFinite(a))) {
    x = init.map((a) => a * root);
  } else {
    // Best multiple of 1: minimises ½t²·1ᵀĜ1 − n log t.
    const s = g.reduce((acc, row) => acc + row.reduce((a, b) => a + b, 0), 0);
    const t = Math.sqrt(n / Math.max(s, 1e-300));
    x = new Array<number>(n).fill(t);
  }
  let fx = f(x);
  let it = 0;
  for (; it < maxIterations; it++) {
    const gx = mul(x);
    const grad = x.map((xi, i) => gx[i]! - 1 / xi);
    const hess = g.map((row, i) => row.map((gij, j) => gij + (i === j ? 1 / (x[i]! * x[i]!) : 0)));
    const step = solveLinear(
      hess,
      grad.map((d) => -d),
      1e-300,
    );
    if (step === null) break;
    const decrement = -grad.reduce((s, d, i) => s + d * step[i]!, 0); // λ² = gᵀH⁻¹g
    if (!(decrement > tolerance * tolerance)) break;
    let t = 1;
    // Stay strictly positive, then Armijo.
    for (let i = 0; i < n; i++) if (step[i]! < 0) t = Math.min(t, (-0.99 * x[i]!) / step[i]!);
    let y = x;
    let fy = fx;
    for (let k = 0; k < 60; k++) {
      y = x.map((xi, i) => xi + t * step[i]!);
      fy = f(y);
      if (fy <= fx - 0.25 * t * decrement) break;
      t /= 2;
    }
    if (!(fy <= fx)) break;
    x = y;
    fx = fy;
  }
  const alpha = x.map((a) => a / root);
  const ga = gram.map((row) => row.reduce((s, gij, j) => s + gij * alpha[j]!, 0));
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (ga[i]! - 1 / alpha[i]!) ** 2;
    den += 1 / alpha[i]! ** 2;
  }
  return { alpha, residual: Math.sqrt(num / den), iterations: it };
}
