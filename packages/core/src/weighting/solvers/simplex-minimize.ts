import { projectOntoSimplex } from './simplex-projection.js';

/**
 * Minimises a smooth convex function over the probability simplex by projected gradient descent with
 * backtracking (sufficient-decrease test f(y) ≤ f(x) + ∇f(x)·(y−x) + ‖y−x‖²/(2η)) and an optimistic step increase.
 * Used for CAGrad's inner problem (LibMTL solves it with scipy SLSQP).
 */
export function minimizeOnSimplex(
  f: (x: number[]) => number,
  grad: (x: number[]) => number[],
  x0: readonly number[],
  options: { maxIterations?: number; tolerance?: number } = {},
): { x: number[]; value: number; iterations: number } {
  const maxIterations = options.maxIterations ?? 10_000;
  const tol = options.tolerance ?? 1e-11;
  let stalled = 0;
  let x = projectOntoSimplex(x0);
  let fx = f(x);
  let step = 1;
  let it = 0;
  for (; it < maxIterations; it++) {
    const g = grad(x);
    let y: number[] = x;
    let fy = fx;
    let accepted = false;
    while (step > 1e-30) {
      y = projectOntoSimplex(x.map((xi, i) => xi - step * g[i]!));
      fy = f(y);
      let lin = 0;
      let sq = 0;
      for (let i = 0; i < x.length; i++) {
        const d = y[i]! - x[i]!;
        lin += g[i]! * d;
        sq += d * d;
      }
      if (fy <= fx + lin + sq / (2 * step) + 1e-15 * Math.abs(fx)) {
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) break;
    let change = 0;
    for (let i = 0; i < x.length; i++) change = Math.max(change, Math.abs(y[i]! - x[i]!));
    // Near the optimum f is flat to round-off while x still drifts: stop after a few steps without real progress.
    stalled = fx - fy <= 1e-14 * Math.abs(fx) ? stalled + 1 : 0;
    x = y;
    fx = fy;
    if (change < tol || stalled >= 5) break;
    step *= 2;
  }
  return { x, value: fx, iterations: it };
}
