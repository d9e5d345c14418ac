/**
 * A toy tagging task on padded variable-length sequences, end to end through core's public API: a streaming dataset
 * that pads each batch to its longest sequence, a padding-aware BiLSTM trunk, a per-position multiclass task, the
 * trainer. The tag of a token needs both directions and the true end of its sequence: 1 if the next token is larger,
 * 0 if not, 2 for the last token.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BiLstm,
  createModel,
  createParameter,
  createTask,
  disposeBatch,
  evaluate,
  type ForwardContext,
  type Inputs,
  type Parameter,
  Rng,
  type Sample,
  StreamingDataset,
  Trainer,
  type Trunk,
  taskLoss,
  trunkRegistry,
} from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const VOCAB = 10;

/** Token embedding + BiLSTM that reads `lengths`: the trunk a text domain would register. */
class ToySequenceTrunk implements Trunk {
  readonly outputShape = [-1, 16];
  private readonly table: Parameter;
  private readonly lstm: BiLstm;

  constructor(rng: Rng) {
    this.table = createParameter('trunk/embedding', tf.randomNormal([VOCAB, 8], 0, 0.5, 'float32', rng.nextUint32()));
    this.lstm = new BiLstm('trunk/bilstm', 8, 8, rng);
  }

  apply(inputs: Inputs, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const tokens = inputs.tokens!;
      const [b, t] = tokens.shape as [number, number];
      const x = tf.reshape(tf.gather(this.table.variable, tokens.reshape([-1])), [b, t, 8]) as tf.Tensor3D;
      return this.lstm.apply(x, ctx, inputs.lengths);
    });
  }

  parameters(): Parameter[] {
    return [this.table, ...this.lstm.parameters()];
  }
}
trunkRegistry.register('toy-sequence', (_options, ctx) => new ToySequenceTrunk(ctx.rng));

function sample(seed: number, index: number): Sample {
  const rng = Rng.derive(seed, index);
  const n = 2 + rng.int(6);
  const tokens = Int32Array.from({ length: n }, () => 1 + rng.int(VOCAB - 1));
  const tags = Int32Array.from(tokens, (tok, i) => (i === n - 1 ? 2 : tokens[i + 1]! > tok ? 1 : 0));
  return {
    inputs: { tokens: { data: tokens, shape: [n] }, lengths: { data: Int32Array.of(n), shape: [] } },
    labels: { tags: { data: tags, shape: [n] } },
  };
}

function dataset(size: number, seed: number): StreamingDataset {
  return new StreamingDataset({
    size,
    spec: { inputs: { tokens: { shape: [-1], dtype: 'int32' }, lengths: { shape: [], dtype: 'int32' } } },
    read: async (i) => sample(seed, i),
    collateOptions: { positionMasks: ['tags'] },
  });
}

const task = () => createTask({ name: 'tags', type: 'multiclass', classes: 3, metrics: ['accuracy'], head: { type: 'mlp', options: {} } });
const model = () => createModel({ trunk: { type: 'toy-sequence' }, architecture: { type: 'hard' }, seed: 3 }, [task()], dataset(1, 0).spec);

/** A batch padded by `extra` more positions than its longest sequence (tokens 0, tags -1, position mask 0). */
function padMore(batch: Awaited<ReturnType<typeof firstBatch>>, extra: number) {
  const pad = (x: tf.Tensor, value: number) =>
    tf.pad(
      x,
      [
        [0, 0],
        [0, extra],
      ],
      value,
    );
  return {
    ...batch,
    inputs: { tokens: pad(batch.inputs.tokens!, 0), lengths: batch.inputs.lengths!.clone() },
    labels: { tags: pad(batch.labels.tags!, -1) },
    masks: {},
    positionMasks: { tags: pad(batch.positionMasks!.tags!, 0) },
  };
}

async function firstBatch(size = 8) {
  for await (const b of dataset(size, 5).batches({ batchSize: size })) return b;
  throw new Error('empty');
}

describe('a tagging task on padded variable-length sequences', () => {
  it('learns (token accuracy on held-out sequences far above chance)', async () => {
    const m = model();
    const trainer = new Trainer(m, {
      train: { epochs: 10, batchSize: 32, optimizer: { lr: 0.02 }, gradientCosineEvery: 0 },
      seed: 1,
      progress: false,
    });
    const before = tf.memory().numTensors;
    await trainer.fit(dataset(320, 1));
    expect(tf.memory().numTensors).toBe(before); // flat over 100 padded batches
    const ev = await evaluate(m, dataset(128, 2), { batchSize: 64 });
    // Always predicting the most common tag scores about 0.4.
    expect(ev.tasks.tags!.accuracy).toBeGreaterThan(0.9);
    trainer.dispose();
    m.dispose();
  });

  it('extra padding leaves the loss, every gradient and the predictions at real positions unchanged', async () => {
    const m = model();
    const t = m.tasks[0]!;
    const batch = await firstBatch();
    const wider = padMore(batch, 4);
    const run = (b: typeof batch) =>
      tf.tidy(() => {
        const vars = m.trainableParameters().map((p) => p.variable);
        const { value, grads } = tf.variableGrads(() => taskLoss(t, m.forward(b.inputs, { training: true, seed: 1 }).tags!, b), vars);
        const probs = m.predict(b.inputs).tags!;
        const [rows, cols] = batch.labels.tags!.shape as [number, number];
        return {
          loss: value.dataSync()[0]!,
          grads: vars.map((v) => Array.from(grads[v.name]!.dataSync())),
          predictions: Array.from(tf.slice(probs, [0, 0, 0], [rows, cols, 3]).mul(batch.positionMasks!.tags!.expandDims(2)).dataSync()),
        };
      });
    const a = run(batch);
    const b = run(wider);
    expect(b.loss).toBeCloseTo(a.loss, 5);
    a.grads.forEach((g, k) => {
      for (let j = 0; j < g.length; j++) expect(b.grads[k]![j]).toBeCloseTo(g[j]!, 5);
    });
    a.predictions.forEach((p, j) => {
      expect(b.predictions[j]).toBeCloseTo(p, 5);
    });
    disposeBatch(batch);
    disposeBatch(wider);
    m.dispose();
  });

  it('collates each batch to its own longest sequence, with position masks for the tags', async () => {
    const batch = await firstBatch();
    const lengths = Array.from(batch.inputs.lengths!.dataSync());
    expect(batch.inputs.tokens!.shape).toEqual([8, Math.max(...lengths)]);
    expect(Array.from(batch.positionMasks!.tags!.sum(1).dataSync())).toEqual(lengths);
    disposeBatch(batch);
  });
});
