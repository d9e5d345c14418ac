import { createParameter, Dense, type Parameter, Rng } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { trainingStep, type Workload } from '../common.js';

export interface MmoeConfig {
  batch: number;
  sparse_fields: number;
  vocab_per_field: number;
  embedding_dim: number;
  dense_features: number;
  experts: number;
  expert_units: number[];
  tower_units: number[];
  tasks: string[];
  optimizer: { lr: number };
}

/** recsys_mmoe.py: one embedding table (field offsets) + dense → expert MLPs → per-task softmax gates → towers → BCE. */
export function build(cfg: MmoeConfig): Workload {
  const rng = new Rng(0);
  const { batch: B, sparse_fields: F, vocab_per_field: V, embedding_dim: D } = cfg;
  const T = cfg.tasks.length;
  const inp = F * D + cfg.dense_features;
  const table = createParameter('mmoe/embedding', tf.randomUniform([F * V, D], -0.05, 0.05, 'float32', 1));
  const mlp = (name: string, sizes: number[]) =>
    sizes.slice(1).map((u, i) => new Dense(`${name}/dense_${i}`, sizes[i]!, u, rng, { activation: 'relu' }));
  const experts = Array.from({ length: cfg.experts }, (_, e) => mlp(`mmoe/expert_${e}`, [inp, ...cfg.expert_units]));
  const gates = Array.from({ length: T }, (_, t) => new Dense(`mmoe/gate_${t}`, inp, cfg.experts, rng));
  const top = cfg.expert_units[cfg.expert_units.length - 1]!;
  const towers = Array.from({ length: T }, (_, t) => [
    ...mlp(`mmoe/tower_${t}`, [top, ...cfg.tower_units]),
    new Dense(`mmoe/tower_${t}/logit`, cfg.tower_units[cfg.tower_units.length - 1]!, 1, rng),
  ]);
  const params: Parameter[] = [table, ...[...experts.flat(), ...gates, ...towers.flat()].flatMap((d) => d.parameters())];

  // Inputs: ids + field offsets, dense features, labels (CTR ~20 %, CVR ~5 % positives).
  const idsData = new Int32Array(B * F);
  for (let i = 0; i < B; i++) for (let f = 0; f < F; f++) idsData[i * F + f] = rng.int(V) + f * V;
  const ids = tf.tensor1d(idsData, 'int32');
  const dense = tf.randomNormal([B, cfg.dense_features], 0, 1, 'float32', 2);
  const ys = [0.2, 0.05].slice(0, T).map((p, t) => tf.cast(tf.less(tf.randomUniform([B, 1], 0, 1, 'float32', 3 + t), p), 'float32'));

  const work = trainingStep(params, cfg.optimizer.lr, () => {
    const emb = tf.reshape(tf.gather(table.variable, ids), [B, F * D]);
    const x = tf.concat([emb, dense], 1);
    const e = tf.stack(
      experts.map((ex) => ex.reduce<tf.Tensor>((h, d) => d.apply(h), x)),
      1,
    ); // B, E, H
    let loss: tf.Tensor = tf.scalar(0);
    for (let t = 0; t < T; t++) {
      const g = tf.expandDims(tf.softmax(gates[t]!.apply(x)), 2);
      const mixed = tf.sum(tf.mul(e, g), 1);
      const logit = towers[t]!.reduce<tf.Tensor>((h, d) => d.apply(h), mixed);
      loss = tf.add(loss, tf.losses.sigmoidCrossEntropy(ys[t]!, logit));
    }
    return loss as tf.Scalar;
  });
  return {
    ...work,
    dispose() {
      work.dispose();
      tf.dispose([ids, dense, ...ys]);
    },
  };
}
