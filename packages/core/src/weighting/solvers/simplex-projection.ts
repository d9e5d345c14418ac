/**
 * Euclidean projection of v onto the simplex {x ≥ 0, Σx = z} (sort-based, Duchi et al. 2008). O(T log T).
 */
export function projectOntoSimplex(v: readonly number[], z = 1): number[] {
  const n = v.length;
  if (n === 0) return [];
  const u = [...v].sort((a, b) => b - a);
  let cumulative = 0;
  let theta = 0;
  for (let i = 0; i < n; i++) {
    cumulative += u[i]!;
    const t = (cumulative - z) / (i + 1);
    if (u[i]! - t > 0) theta = t;
  }
  return v.map((x) => Math.max(x - theta, 0));
}
