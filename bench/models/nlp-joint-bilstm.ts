import {
  BiLstm,
  createModel,
  createParameter,
  createTask,
  type ForwardContext,
  type Head,
  type HeadBuildContext,
  headRegistry,
  InMemoryDataset,
  type Inputs,
  MlpHead,
  type Parameter,
  Rng,
  type Trunk,
  type TrunkBuildContext,
  trunkRegistry,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import type { Workload } from '../common.js';
import { jointWorkload } from './joint-workload.js';

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

/** Token embedding (N(0, 1), as nn.Embedding) → BiLSTM: the shared text trunk, per-token features [L, 2H]. */
class TokenBiLstmTrunk implements Trunk {
  readonly outputShape: number[];
  private readonly table: Parameter;
  private readonly lstm: BiLstm;

  constructor(
    private readonly cfg: JointConfig,
    ctx: TrunkBuildContext,
  ) {
    this.table = createParameter(`${ctx.name}/embedding`, tf.randomNormal([cfg.vocab, cfg.embedding_dim], 0, 1, 'float32', 1));
    this.lstm = new BiLstm(`${ctx.name}/bilstm`, cfg.embedding_dim, cfg.lstm_units, ctx.rng);
    this.outputShape = [cfg.seq_len, 2 * cfg.lstm_units];
  }

  apply(inputs: Inputs, ctx: ForwardContext): tf.Tensor {
    const ids = inputs.tokens!;
    const [b, l] = ids.shape as [number, number];
    const x = tf.reshape(tf.gather(this.table.variable, ids.reshape([-1])), [b, l, this.cfg.embedding_dim]) as tf.Tensor3D;
    return this.lstm.apply(x, ctx);
  }

  parameters(): Parameter[] {
    return [this.table, ...this.lstm.parameters()];
  }
}

/** Max over time, then a linear layer: the intent head. */
class MaxPoolHead implements Head {
  private readonly out: MlpHead;

  constructor(options: Record<string, unknown>, ctx: HeadBuildContext) {
    this.out = new MlpHead(options, { ...ctx, inputShape: ctx.inputShape.slice(1) });
  }

  apply(features: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return this.out.apply(tf.max(features, 1), ctx);
  }

  parameters(): Parameter[] {
    return this.out.parameters();
  }
}

trunkRegistry.register('bench-token-bilstm', (options, ctx) => new TokenBiLstmTrunk(options as unknown as JointConfig, ctx));
headRegistry.register('bench-max-pool', (options, ctx) => new MaxPoolHead(options, ctx));

/**
 * nlp_joint_bilstm.py on core's public API, as a text domain builds it: embedding → BiLSTM trunk, hard sharing,
 * an intent task (max-pooled head) and a per-token slot task (linear head on every position); CE summed (EW).
 */
export function build(cfg: JointConfig): Workload {
  const rng = new Rng(0);
  const { batch: B, seq_len: L } = cfg;
  const data = new InMemoryDataset({
    inputs: { tokens: { data: new Int32Array(B * L).map(() => 1 + rng.int(cfg.vocab - 1)), shape: [L] } },
    labels: {
      intent: { data: Int32Array.from({ length: B }, () => rng.int(cfg.intents)), shape: [] },
      slots: { data: Int32Array.from({ length: B * L }, () => rng.int(cfg.slot_labels)), shape: [L] },
    },
  });
  const tasks = [
    createTask({ name: 'intent', type: 'multiclass', classes: cfg.intents, head: { type: 'bench-max-pool', options: {} } }),
    createTask({ name: 'slots', type: 'multiclass', classes: cfg.slot_labels, head: { type: 'mlp', options: {} } }),
  ];
  const trunk = { type: 'bench-token-bilstm', options: { ...cfg } };
  const model = createModel({ trunk, architecture: { type: 'hard' }, seed: 0 }, tasks, data.spec);
  return jointWorkload(model, data.gather(Array.from({ length: B }, (_, i) => i)), cfg.optimizer.lr);
}
