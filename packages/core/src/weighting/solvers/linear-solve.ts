/**
 * Solves A x = b for a small dense square A by Gaussian elimination with partial pivoting.
 * Returns null when A is (numerically) singular: a pivot below `relTol` times the largest |A_ij|.
 */
export function solveLinear(a: readonly (readonly number[])[], b: readonly number[], relTol = 1e-12): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  let scale = 0;
  for (const row of a) for (const x of row) scale = Math.max(scale, Math.abs(x));
  if (n === 0) return [];
  if (scale === 0) return null;
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) <= relTol * scale) return null;
    if (pivot !== col) [m[pivot], m[col]] = [m[col]!, m[pivot]!];
    const pr = m[col]!;
    for (let r = col + 1; r < n; r++) {
      const row = m[r]!;
      const f = row[col]! / pr[col]!;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) row[c] = row[c]! - f * pr[c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = m[r]!;
    let s = row[n]!;
    for (let c = r + 1; c < n; c++) s -= row[c]! * x[c]!;
    x[r] = s / row[r]!;
  }
  return x;
}
