import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFolderAtomic } from '../io/atomic.js';
import { createModel, type ModelConfig, type MultiTaskModel } from '../model/multi-task-model.js';
import { createTask } from '../tasks/task-kinds.js';
import type { TaskSpec } from '../tasks/task-spec.js';
import { tensorGrowth } from '../testing/index.js';
import type { DataSpec, Inputs } from '../trunk/trunk.js';
import { Rng } from '../util/rng.js';
import { CUSTOM_LAYERS } from './custom-layers.js';
import { EXPORT_MANIFEST, type ExportManifest, exportFormatRegistry, toLayersModel } from './export-model.js';
import { folderLoadHandler } from './load-folder.js';
import { productOfSigmoids } from './task-outputs.js';
import '../arch/index.js';
import '../heads/index.js';
import '../metrics/index.js';
import '../trunk/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const work = mkdtempSync(join(tmpdir(), 'polytask-export-'));

/** A task with no head of its own whose output is the product of two heads' sigmoids (ESMM's CTCVR). */
function productTask(name: string, heads: [string, string]): TaskSpec {
  return {
    name,
    inputs: heads,
    combine: ([a, b]) => tf.tidy(() => tf.mul(tf.sigmoid(a!.reshape([-1])), tf.sigmoid(b!.reshape([-1])))),
    loss: () => tf.scalar(0),
    activate: (p) => p.reshape([-1]),
    decode: () => [],
    createMetrics: () => [],
    exportOutput: productOfSigmoids,
  };
}

/** Every parameter (biases, stitches, tables) set to seeded random values, so no weight passes by being zero. */
function randomize(model: MultiTaskModel, seed: number): void {
  const rng = new Rng(seed);
  for (const p of model.parameters()) {
    const values = tf.randomUniform(p.variable.shape, p.trainable ? -0.6 : 0.5, p.trainable ? 0.6 : 1.5, 'float32', rng.nextUint32());
    p.variable.assign(values);
    values.dispose();
  }
}

/** Random inputs per the data spec: ids within each field's vocabulary (multi-valued ones padded with −1), floats. */
function randomInputs(data: DataSpec, batch: number, seed: number): Inputs {
  const rng = new Rng(seed);
  return Object.fromEntries(
    Object.entries(data.inputs).map(([name, spec]) => {
      const size = batch * spec.shape.reduce((a, b) => a * b, 1);
      if (spec.dtype === 'float32')
        return [
          name,
          tf.tensor(
            Array.from({ length: size }, () => rng.next() * 4 - 2),
            [batch, ...spec.shape],
          ),
        ];
      const vocab = spec.vocabSizes ?? [1000];
      const perField = size / batch / vocab.length;
      const ids = Array.from({ length: size }, (_, k) => {
        const field = Math.floor(k / perField) % vocab.length;
        const id = Math.floor(rng.next() * vocab[field]!);
        return perField > 1 && rng.next() < 0.3 ? -1 : id;
      });
      return [name, tf.tensor(ids, [batch, ...spec.shape], 'int32')];
    }),
  );
}

/** Exports through the `tfjs-layers` format into a folder, loads it back with tf.loadLayersModel. */
async function exportAndLoad(model: MultiTaskModel, config: ModelConfig, data: DataSpec, dir: string) {
  const files = await exportFormatRegistry.get('tfjs-layers')(model, {
    config,
    dataSpec: data,
    domain: 'test',
    preprocessing: { scale: 2 },
  });
  writeFolderAtomic(dir, files);
  const manifest = JSON.parse(readFileSync(join(dir, EXPORT_MANIFEST), 'utf8')) as ExportManifest;
  const loaded = await tf.loadLayersModel(folderLoadHandler(dir));
  return { manifest, loaded };
}

/** Exported predictions (inputs in the manifest's order) against `model.predict`, task by task. */
function maxDifference(model: MultiTaskModel, loaded: tf.LayersModel, manifest: ExportManifest, inputs: Inputs): number {
  const expected = model.predict(inputs);
  const out = loaded.predict(manifest.inputs.map((i) => inputs[i.name]!.reshape([-1, ...i.shape])));
  const outs = Array.isArray(out) ? out : [out];
  let worst = 0;
  manifest.outputs.forEach((o, k) => {
    const want = expected[o.task]!.dataSync();
    const got = outs[k]!.dataSync();
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  });
  tf.dispose([...Object.values(expected), ...outs]);
  return worst;
}

const denseData: DataSpec = { inputs: { x: { shape: [6], dtype: 'float32' } } };

const tabularData: DataSpec = {
  inputs: {
    sparse: { shape: [3], dtype: 'int32', vocabSizes: [5, 7, 3] },
    item: { shape: [], dtype: 'int32', vocabSizes: [9] },
    multi: { shape: [2, 4], dtype: 'int32', vocabSizes: [6, 4] },
    dense: { shape: [2], dtype: 'float32' },
    age: { shape: [], dtype: 'float32' },
    user: { shape: [], dtype: 'int32' }, // not read by the trunk (no vocabulary): stays out of the export
  },
};

interface Case {
  name: string;
  config: ModelConfig;
  data: DataSpec;
  tasks: () => TaskSpec[];
  custom: string[];
}

const binaryPair = () => [
  createTask({ name: 'ctr', type: 'binary', head: { type: 'mlp', options: { units: [5] } } }),
  createTask({ name: 'cvr', type: 'binary', head: { type: 'mlp', options: { units: [4], dropout: 0.2 } } }),
];

const cases: Case[] = [
  {
    name: 'mlp trunk → hard sharing → binary, multiclass, 2-output regression',
    config: { trunk: { type: 'mlp', options: { units: [8, 7], dropout: 0.3 } }, architecture: { type: 'hard', options: { units: [6] } } },
    data: denseData,
    tasks: () => [
      createTask({ name: 'click', type: 'binary', head: { type: 'mlp', options: { units: [4, 3] } } }),
      createTask({ name: 'kind', type: 'multiclass', classes: 4 }),
      createTask({ name: 'price value', type: 'regression', outputs: 2 }),
    ],
    custom: [],
  },
  {
    name: 'embedding trunk (single, scalar, multi-valued, dense inputs) → MMoE',
    config: {
      trunk: { type: 'embedding', options: { embeddingDim: 3, units: [8] } },
      architecture: { type: 'mmoe', options: { experts: 3, expertUnits: [6, 5] } },
    },
    data: tabularData,
    tasks: binaryPair,
    custom: ['Polytask>FieldOffset', 'Polytask>MaskedMean'],
  },
  {
    name: 'embedding trunk → PLE (2 levels) → ESMM-style product task',
    config: {
      trunk: { type: 'embedding', options: { embeddingDim: 2 } },
      architecture: { type: 'ple', options: { levels: 2, sharedExperts: 2, taskExperts: 1, expertUnits: [5] } },
    },
    data: tabularData,
    tasks: () => [...binaryPair(), productTask('ctcvr', ['ctr', 'cvr'])],
    custom: ['Polytask>FieldOffset', 'Polytask>MaskedMean'],
  },
  {
    name: 'identity trunk → CGC (one expert each)',
    config: { trunk: { type: 'identity' }, architecture: { type: 'cgc', options: { sharedExperts: 1, taskExperts: 1, expertUnits: [4] } } },
    data: denseData,
    tasks: binaryPair,
    custom: [],
  },
  {
    name: 'mlp trunk → cross-stitch (3 columns, 2 stitch units)',
    config: { trunk: { type: 'mlp', options: { units: [5] } }, architecture: { type: 'cross-stitch', options: { units: [6, 5, 4] } } },
    data: denseData,
    tasks: () => [...binaryPair(), createTask({ name: 'value', type: 'regression' })],
    custom: ['Polytask>CrossStitchUnit'],
  },
];

describe('tfjs-layers export: tf.loadLayersModel predicts what MultiTaskModel.predict does', () => {
  cases.forEach((c, n) => {
    it(c.name, async () => {
      const model = createModel({ ...c.config, seed: n }, c.tasks(), c.data);
      randomize(model, 100 + n);
      const { manifest, loaded } = await exportAndLoad(model, c.config, c.data, join(work, `case-${n}`));
      expect(manifest.customLayers).toEqual(c.custom);
      expect(manifest.outputs.map((o) => o.task)).toEqual(model.tasks.map((t) => t.name));
      expect(loaded.outputNames).toEqual(manifest.outputs.map((o) => o.layer));
      expect(maxDifference(model, loaded, manifest, randomInputs(c.data, 33, n))).toBeLessThan(1e-5);
      // Every parameter travels once, by name, as raw float32: 4 bytes per value, nothing else.
      const names = Object.values(manifest.weightNames).sort();
      expect(names).toEqual(
        model
          .parameters()
          .map((p) => p.name)
          .sort(),
      );
      expect(statSync(join(work, `case-${n}`, 'weights.bin')).size).toBe(4 * model.layout.size);
      loaded.dispose();
      model.dispose();
    });
  });

  it('inputs are the ones the trunk reads, in its order, with their specs; the preprocessing rides along', async () => {
    const c = cases[1]!;
    const model = createModel(c.config, c.tasks(), c.data);
    const { manifest, loaded } = await exportAndLoad(model, c.config, c.data, join(work, 'inputs'));
    expect(manifest.inputs.map((i) => [i.name, i.shape, i.dtype])).toEqual([
      ['sparse', [3], 'int32'],
      ['item', [1], 'int32'], // a scalar per sample is a [batch, 1] input
      ['multi', [2, 4], 'int32'],
      ['dense', [2], 'float32'],
      ['age', [1], 'float32'],
    ]);
    expect(manifest.inputs[0]!.vocabSizes).toEqual([5, 7, 3]);
    expect(loaded.inputNames).toEqual(manifest.inputs.map((i) => i.layer));
    expect(manifest).toMatchObject({
      format: 'polytask-export',
      formatVersion: 1,
      modelFormat: 'tfjs-layers',
      domain: 'test',
      preprocessing: { scale: 2 },
    });
    expect(manifest.weightNames['trunk.embedding_sparse/embeddings']).toBe('trunk/embedding_sparse/embeddings');
    loaded.dispose();
    model.dispose();
  });

  it('uses only stock Keras layers and the registered Polytask ones', async () => {
    const c = cases[2]!;
    const model = createModel(c.config, c.tasks(), c.data);
    await exportAndLoad(model, c.config, c.data, join(work, 'classes'));
    const topology = JSON.parse(readFileSync(join(work, 'classes', 'model.json'), 'utf8')).modelTopology;
    const classes = new Set<string>(topology.config.layers.map((l: { class_name: string }) => l.class_name));
    const stock = ['InputLayer', 'Reshape', 'Embedding', 'Concatenate', 'Dense', 'Dot', 'Activation', 'Multiply', 'Dropout'];
    for (const cls of classes) expect([...stock, ...CUSTOM_LAYERS]).toContain(cls);
    model.dispose();
  });

  it('leaves no tensors behind', async () => {
    const c = cases[2]!;
    const model = createModel(c.config, c.tasks(), c.data);
    const growth = await tensorGrowth(async () => {
      const built = toLayersModel(model, c.config, c.data);
      built.model.dispose();
      await exportFormatRegistry.get('tfjs-layers')(model, { config: c.config, dataSpec: c.data, domain: 'test', preprocessing: null });
    });
    expect(growth).toBe(0);
    model.dispose();
  });

  it('names what it cannot export', () => {
    const c = cases[0]!;
    const model = createModel(c.config, [createTask({ name: 'a', type: 'binary' })], c.data);
    expect(() => toLayersModel(model, { ...c.config, trunk: { type: 'conv' } }, c.data)).toThrow(/unknown trunk exporter "conv"/);
    const noExport = { ...createTask({ name: 'b', type: 'binary' }), exportOutput: undefined };
    const other = createModel(c.config, [noExport], c.data);
    expect(() => toLayersModel(other, c.config, c.data)).toThrow(/task "b" has no exportOutput/);
    model.dispose();
    other.dispose();
  });
});
