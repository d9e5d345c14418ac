import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { architectureRegistry } from './architecture.js';
import './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const options: Record<string, Record<string, unknown>> = {
  hard: { units: [5] },
  mmoe: { experts: 3, expertUnits: [5] },
  cgc: { sharedExperts: 2, taskExperts: 1, expertUnits: [5] },
  ple: { levels: 2, sharedExperts: 2, taskExperts: 1, expertUnits: [5] },
  'cross-stitch': { units: [6, 5] },
};

describe('sharing architectures on per-position features', () => {
  for (const type of Object.keys(options)) {
    it(`${type}: [B, T, C] features give, position by position, what [B·T, C] features give (gates per position)`, () => {
      const build = (inputShape: number[]) =>
        architectureRegistry.get(type)(options[type]!, { name: `pp-${type}`, rng: new Rng(3), branches: ['a', 'b'], inputShape });
      const perPosition = build([-1, 4]);
      const flat = build([4]);
      expect(perPosition.branchOutputShape).toEqual([-1, ...flat.branchOutputShape]);
      // Same seed, same construction order: the two carry identical weights.
      perPosition.parameters().forEach((p, i) => {
        p.variable.assign(flat.parameters()[i]!.variable);
      });
      const x = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 5);
      for (const branch of ['a', 'b']) {
        const got = tf.tidy(() => perPosition.branchInput(perPosition.encode(x, { training: false }), branch, { training: false }));
        const want = tf.tidy(() => flat.branchInput(flat.encode(x.reshape([6, 4]), { training: false }), branch, { training: false }));
        expect(got.shape).toEqual([2, 3, want.shape[1]!]);
        const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(got.reshape([6, -1]), want))).dataSync()[0]!);
        expect(diff).toBeLessThan(1e-6);
        tf.dispose([got, want]);
      }
    });
  }
});
