/**
 * Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method (Aligned-MTL's T×T Gram).
 * Returns eigenvalues in descending order and the matching unit eigenvectors as columns of `vectors`
 * (vectors[i][k] = component i of eigenvector k), so A = V diag(values) Vᵀ.
 */
export function symmetricEigen(
  matrix: readonly (readonly number[])[],
  options: { maxSweeps?: number } = {},
): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((row, i) => row.map((x, j) => 0.5 * (x + matrix[j]![i]!)));
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const maxSweeps = options.maxSweeps ?? 100;
  const A = (i: number, j: number) => a[i]![j]!;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        total += A(i, j) * A(i, j);
        if (i !== j) off += A(i, j) * A(i, j);
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A(p, q);
        if (apq === 0) continue;
        const theta = (A(q, q) - A(p, p)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A(k, p);
          const akq = A(k, q);
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A(p, k);
          const aqk = A(q, k);
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A(j, j) - A(i, i));
  return {
    values: order.map((i) => A(i, i)),
    vectors: v.map((row) => order.map((k) => row[k]!)),
  };
}
