import * as tf from '@tensorflow/tfjs';
import { Dense } from '../../packages/core/src/nn/dense.js';
import { BiLstm } from '../../packages/core/src/nn/lstm.js';
import { createParameter } from '../../packages/core/src/nn/module.js';
import { Rng } from '../../packages/core/src/util/rng.js';
import { trainingStep, type Workload } from '../common.js';

export interface JointConfig {
  batch: number;
  seq_len: number;
  vocab: number;
  embedding_dim: number;
  lstm_units: number;
  intents: number;
  slot_labels: number;
  optimizer: { lr: number };
}

/** nlp_joint_bilstm.py: embedding → BiLSTM → (max over time → intent head, per-token slot head); CE summed. */
export function build(cfg: JointConfig): Workload {
  const rng = new Rng(0);
  const { batch: B, seq_len: L, lstm_units: H } = cfg;
  const emb = createParameter('joint/embedding', tf.randomNormal([cfg.vocab, cfg.embedding_dim], 0, 1, 'float32', 1));
  const lstm = new BiLstm('joint/bilstm', cfg.embedding_dim, H, rng);
  const intent = new Dense('joint/intent', 2 * H, cfg.intents, rng);
  const slots = new Dense('joint/slots', 2 * H, cfg.slot_labels, rng);
  const params = [emb, ...lstm.parameters(), ...intent.parameters(), ...slots.parameters()];

  const idsData = new Int32Array(B * L).map(() => 1 + rng.int(cfg.vocab - 1));
  const ids = tf.tensor1d(idsData, 'int32');
  const intentY = tf.oneHot(
    tf.tensor1d(
      Int32Array.from({ length: B }, () => rng.int(cfg.intents)),
      'int32',
    ),
    cfg.intents,
  );
  const slotY = tf.oneHot(
    tf.tensor1d(
      Int32Array.from({ length: B * L }, () => rng.int(cfg.slot_labels)),
      'int32',
    ),
    cfg.slot_labels,
  );

  const work = trainingStep(params, cfg.optimizer.lr, () => {
    const x = tf.reshape(tf.gather(emb.variable, ids), [B, L, cfg.embedding_dim]) as tf.Tensor3D;
    const h = lstm.apply(x); // B, L, 2H
    const intentLogits = intent.apply(tf.max(h, 1));
    const slotLogits = slots.apply(tf.reshape(h, [B * L, 2 * H]));
    return tf.add(tf.losses.softmaxCrossEntropy(intentY, intentLogits), tf.losses.softmaxCrossEntropy(slotY, slotLogits)) as tf.Scalar;
  });
  return {
    ...work,
    dispose() {
      work.dispose();
      tf.dispose([ids, intentY, slotY]);
    },
  };
}
