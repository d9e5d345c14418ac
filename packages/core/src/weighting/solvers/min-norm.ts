/**
 * Minimum-norm point of the convex hull of T vectors given only their Gram matrix G (G_ij = g_i·g_j):
 *   min_{λ ∈ simplex} λᵀ G λ.
 * This is MGDA's sub-problem (Sener & Koltun 2018). Solved by Frank–Wolfe started from the best pair (the closed-form
 * two-vector solution, as in the MGDA code), with pairwise (away) steps so it converges linearly instead of
 * zig-zagging, and exact line search (the objective is quadratic).
 */
export interface MinNormResult {
  readonly weights: number[];
  /** λᵀGλ at the solution (squared norm of the min-norm point). */
  readonly cost: number;
  readonly iterations: number;
}

/**
 * min_{γ ∈ [0,1]} ‖γ v1 + (1−γ) v2‖² from v1·v1, v1·v2, v2·v2.
 * γ = (v2−v1)·v2 / ‖v1−v2‖², clipped to [0, 1].
 */
export function minNormTwo(v1v1: number, v1v2: number, v2v2: number): { gamma: number; cost: number } {
  const denom = v1v1 - 2 * v1v2 + v2v2;
  let gamma: number;
  if (denom <= 1e-300) gamma = v1v1 <= v2v2 ? 1 : 0;
  else gamma = Math.min(1, Math.max(0, (v2v2 - v1v2) / denom));
  const cost = gamma * gamma * v1v1 + 2 * gamma * (1 - gamma) * v1v2 + (1 - gamma) * (1 - gamma) * v2v2;
  return { gamma, cost };
}

export function minNormPoint(
  gram: readonly (readonly number[])[],
  options: { maxIterations?: number; tolerance?: number } = {},
): MinNormResult {
  const n = gram.length;
  const maxIterations = options.maxIterations ?? 2000;
  if (n === 0) return { weights: [], cost: 0, iterations: 0 };
  if (n === 1) return { weights: [1], cost: gram[0]![0]!, iterations: 0 };
  const G = (i: number, j: number) => gram[i]![j]!;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(G(i, i)));
  const tol = (options.tolerance ?? 1e-14) * Math.max(scale, 1e-300);

  // Start: best pair (or the single smallest vector, whichever is lower).
  const x = new Array<number>(n).fill(0);
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (G(i, i) < best) {
      best = G(i, i);
      x.fill(0);
      x[i] = 1;
    }
    for (let j = i + 1; j < n; j++) {
      const { gamma, cost } = minNormTwo(G(i, i), G(i, j), G(j, j));
      if (cost < best) {
        best = cost;
        x.fill(0);
        x[i] = gamma;
        x[j] = 1 - gamma;
      }
    }
  }

  const gx = new Array<number>(n).fill(0); // G x (half the gradient)
  const refresh = () => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += G(i, j) * x[j]!;
      gx[i] = s;
    }
  };
  refresh();
  let it = 0;
  for (; it < maxIterations; it++) {
    // Toward vertex s (smallest gradient), away from support vertex v (largest gradient).
    let s = 0;
    let v = -1;
    for (let i = 1; i < n; i++) if (gx[i]! < gx[s]!) s = i;
    for (let i = 0; i < n; i++) if (x[i]! > 0 && (v < 0 || gx[i]! > gx[v]!)) v = i;
    if (v < 0 || v === s) break;
    // Pairwise direction d = e_s − e_v; dᵀGx = gx_s − gx_v (< 0 unless optimal); dᵀGd = G_ss − 2G_sv + G_vv.
    const slope = gx[s]! - gx[v]!;
    if (slope > -tol) break; // duality gap of the pairwise step below tolerance
    const curvature = G(s, s) - 2 * G(s, v) + G(v, v);
    const gammaMax = x[v]!;
    const gamma = curvature > 0 ? Math.min(gammaMax, -slope / curvature) : gammaMax;
    if (gamma <= 0) break;
    x[s] = x[s]! + gamma;
    x[v] = gamma === gammaMax ? 0 : x[v]! - gamma;
    for (let i = 0; i < n; i++) gx[i] = gx[i]! + gamma * (G(i, s) - G(i, v));
    if (it % 50 === 49) refresh(); // limit drift of the incremental update
  }
  const sum = x.reduce((a, b) => a + b, 0);
  const weights = x.map((w) => w / sum);
  let cost = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cost += weights[i]! * G(i, j) * weights[j]!;
  return { weights, cost, iterations: it };
}
