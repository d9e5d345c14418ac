/**
 * Seeded pseudo-random generator (sfc32) whose whole state is four uint32s, so a checkpoint can carry it and a
 * resumed run draws exactly the numbers the uninterrupted run would have drawn.
 */
export type RngState = [number, number, number, number];

export class Rng {
  private s: Uint32Array;

  constructor(seed: number | RngState) {
    if (typeof seed === 'number') {
      this.s = new Uint32Array([0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0]);
      for (let i = 0; i < 15; i++) this.nextUint32();
    } else {
      this.s = Uint32Array.from(seed);
    }
  }

  /** A new generator whose stream depends only on this seed and the label (e.g. `fork(epoch)`). */
  static derive(seed: number, ...labels: number[]): Rng {
    let h = seed >>> 0;
    for (const l of labels) h = Math.imul(h ^ (l >>> 0), 0x85ebca6b) ^ (h >>> 13);
    return new Rng(h >>> 0);
  }

  nextUint32(): number {
    const s = this.s;
    const t = (((s[0]! + s[1]!) >>> 0) + s[3]!) >>> 0;
    s[3] = (s[3]! + 1) >>> 0;
    s[0] = s[1]! ^ (s[1]! >>> 9);
    s[1] = (s[2]! + (s[2]! << 3)) >>> 0;
    s[2] = ((s[2]! << 21) | (s[2]! >>> 11)) >>> 0;
    s[2] = (s[2]! + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    return a;
  }

  getState(): RngState {
    return [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!];
  }

  setState(state: RngState): void {
    this.s = Uint32Array.from(state);
  }
}
