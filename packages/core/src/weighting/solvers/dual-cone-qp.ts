import { solveLinear } from './linear-solve.js';

/**
 * UPGrad's sub-problem (Quinton & Rey 2024, Prop. 1): the weights v of the projection of Jᵀu onto the dual cone
 * {x : Jx ≥ 0} of the rows of J, given only the Gramian G = JJᵀ:
 *   min_v vᵀ G v   s.t.  v ≥ u.
 * With v = u + z this is the bound-constrained QP  min ½ zᵀGz + (Gu)ᵀz, z ≥ 0, solved exactly by a primal
 * active-set method (Lawson–Hanson style, generalised from NNLS to a positive-definite G): finite termination,
 * each step solves a small linear system on the free set. KKT at the answer: v ≥ u, Gv ≥ 0 and (v−u)ᵢ(Gv)ᵢ = 0.
 * G should be positive definite (UPGrad adds reg_eps·I); for a singular G it still returns a feasible point that
 * satisfies KKT up to `tolerance` where the free-set systems are solvable.
 */
export interface DualConeResult {
  readonly weights: number[];
  readonly iterations: number;
}

export function projectOntoDualCone(
  gram: readonly (readonly number[])[],
  u: readonly number[],
  options: { tolerance?: number; maxIterations?: number } = {},
): DualConeResult {
  const n = u.length;
  if (n === 0) return { weights: [], iterations: 0 };
  const G = (i: number, j: number) => gram[i]![j]!;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(G(i, i)));
  let uScale = 0;
  for (const x of u) uScale = Math.max(uScale, Math.abs(x));
  if (scale === 0) return { weights: [...u], iterations: 0 };
  const tol = (options.tolerance ?? 1e-13) * scale * Math.max(uScale, 1e-300);
  const maxIterations = options.maxIterations ?? 20 * n + 100;

  const z = new Array<number>(n).fill(0);
  const free = new Array<boolean>(n).fill(false);
  const gv = () => {
    const out = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += G(i, j) * (u[j]! + z[j]!);
      out[i] = s;
    }
    return out;
  };
  /** Unconstrained minimiser on the free set (others fixed at 0): G_FF z_F = −(G u)_F. */
  const solveFree = (): number[] | null => {
    const idx = free.flatMap((f, i) => (f ? [i] : []));
    const a = idx.map((i) => idx.map((j) => G(i, j)));
    const b = idx.map((i) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += G(i, j) * u[j]!;
      return -s;
    });
    const sol = solveLinear(a, b, 1e-14);
    if (sol === null) return null;
    const s = new Array<number>(n).fill(0);
    idx.forEach((i, k) => {
      s[i] = sol[k]!;
    });
    return s;
  };

  let it = 0;
  let blocked = -1;
  outer: while (it < maxIterations) {
    const grad = gv();
    let j = -1;
    for (let i = 0; i < n; i++) {
      if (free[i] || i === blocked) continue;
      if (grad[i]! < -tol && (j < 0 || grad[i]! < grad[j]!)) j = i;
    }
    if (j < 0) break;
    free[j] = true;
    let first = true;
    while (it < maxIterations) {
      it++;
      const s = solveFree();
      if (s === null) {
        free[j] = false;
        blocked = j;
        continue outer;
      }
      if (first && s[j]! <= 0) {
        // Numerically the entering variable cannot move: stop trying it (anti-cycling guard).
        free[j] = false;
        blocked = j;
        continue outer;
      }
      first = false;
      let alpha = 1;
      for (let i = 0; i < n; i++) {
        if (free[i] && s[i]! <= 0) alpha = Math.min(alpha, z[i]! / (z[i]! - s[i]!));
      }
      for (let i = 0; i < n; i++) if (free[i]) z[i] = z[i]! + alpha * (s[i]! - z[i]!);
      if (alpha >= 1) {
        blocked = -1;
        break;
      }
      for (let i = 0; i < n; i++) {
        if (free[i] && z[i]! <= 1e-15 * Math.max(uScale, 1e-300)) {
          free[i] = false;
          z[i] = 0;
        }
      }
    }
  }
  return { weights: u.map((x, i) => x + Math.max(0, z[i]!)), iterations: it };
}
