import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Batch,
  createModel,
  disposeBatch,
  evaluate,
  type MultiTaskModel,
  RunConfig,
  type TaskSpec,
  Trainer,
  taskLoss,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nlpDomain } from './adapter.js';
import type { NlpState } from './data/preprocessing.js';
import type { TaggedSentence } from './tasks/tagging.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const dir = mkdtempSync(join(tmpdir(), 'nlp-adapter-'));
const CITIES = ['paris', 'rome', 'new york', 'san francisco', 'tokyo'];
const SONGS = ['yellow', 'hey jude', 'imagine'];

/** A toy SNIPS-format corpus: GetWeather names a city, PlayMusic a song; both slots may span two words. */
function utterance(i: number): { words: string[]; tags: string[]; intent: string } {
  const weather = i % 2 === 0;
  const name = (weather ? CITIES : SONGS)[i % (weather ? CITIES.length : SONGS.length)]!.split(' ');
  const type = weather ? 'city' : 'song';
  const prefix = weather ? ['what', 'is', 'the', 'weather', 'in'] : i % 3 === 0 ? ['play'] : ['please', 'play', 'me'];
  const words = [...prefix, ...name];
  const tags = [...prefix.map(() => 'O'), ...name.map((_, j) => `${j === 0 ? 'B' : 'I'}-${type}`)];
  return { words, tags, intent: weather ? 'GetWeather' : 'PlayMusic' };
}

function writeSplit(root: string, split: string, rows: { words: string[]; tags: string[]; intent: string }[]): void {
  mkdirSync(join(root, split), { recursive: true });
  writeFileSync(join(root, split, 'seq.in'), `${rows.map((r) => r.words.join(' ')).join('\n')}\n`);
  writeFileSync(join(root, split, 'seq.out'), `${rows.map((r) => `${r.tags.join(' ')} `).join('\n')}\n`);
  writeFileSync(join(root, split, 'label'), `${rows.map((r) => r.intent).join('\n')}\n`);
}

const root = join(dir, 'toy');
writeSplit(
  root,
  'train',
  Array.from({ length: 60 }, (_, i) => utterance(i)),
);
// dev carries a multi-intent label and a slot type training never saw
writeSplit(root, 'dev', [
  utterance(1),
  utterance(2),
  { words: ['play', 'yellow', 'in', 'paris'], tags: ['O', 'B-song', 'O', 'B-town'], intent: 'PlayMusic#GetWeather' },
]);
writeSplit(root, 'test', [utterance(3), utterance(4)]);

function config(
  trunk: string,
  slots = 'token-crf',
  extra: Record<string, unknown> = {},
  trunkOptions: Record<string, unknown> = {},
): RunConfig {
  return RunConfig.parse({
    seed: 3,
    data: { format: 'snips', root, ...extra },
    tasks: [
      { name: 'intent', type: 'sentence-classification', head: { type: 'sentence', options: { pooling: 'attention' } } },
      { name: 'slots', type: slots, head: { type: 'token', options: {} } },
      { name: 'frame', type: 'frame' },
    ],
    model: { trunk: { type: trunk, options: { wordDim: 8, charDim: 4, charFilters: 6, dropout: 0, wordDropout: 0, ...trunkOptions } } },
    train: { epochs: 1, batchSize: 8, gradientCosineEvery: 0 },
  });
}

async function firstBatch(ds: { batches(o: { batchSize: number }): AsyncIterable<Batch> | Iterable<Batch> }, n: number): Promise<Batch> {
  for await (const b of ds.batches({ batchSize: n })) return b;
  throw new Error('empty');
}

/** The batch with `extra` more token positions and `extraChars` more char columns, all padding. */
function padMore(b: Batch, extra: number, extraChars: number): Batch {
  const pad2 = (x: tf.Tensor, v: number) =>
    tf.pad(
      x,
      [
        [0, 0],
        [0, extra],
      ],
      v,
    );
  return {
    ...b,
    inputs: {
      words: pad2(b.inputs.words!, 0),
      chars: tf.pad(
        b.inputs.chars!,
        [
          [0, 0],
          [0, extra],
          [0, extraChars],
        ],
        0,
      ),
      lengths: b.inputs.lengths!.clone(),
    },
    labels: { intent: b.labels.intent!.clone(), slots: pad2(b.labels.slots!, -1), frame: pad2(b.labels.frame!, -1) },
    masks: {},
    positionMasks: { slots: pad2(b.positionMasks!.slots!, 0), frame: pad2(b.positionMasks!.frame!, 0) },
  };
}

function lossesAndDecoded(model: MultiTaskModel, tasks: TaskSpec[], b: Batch) {
  const vars = model.trainableParameters().map((p) => p.variable);
  const { value, grads } = tf.variableGrads(() => {
    const out = model.forward(b.inputs, { training: true, seed: 1 });
    return tf.addN(tasks.filter((t) => t.loss).map((t) => taskLoss(t, out[t.name]!, b)!)) as tf.Scalar;
  }, vars);
  const loss = value.dataSync()[0]!;
  const g = vars.map((v) => Array.from(grads[v.name]!.dataSync()));
  tf.dispose([value, ...Object.values(grads)]);
  const out = model.predict(b.inputs);
  const decoded = Object.fromEntries(
    tasks.map((t) => [t.name, t.decode(out[t.name]!, { positionMask: b.positionMasks?.[t.label ?? t.name] })]),
  );
  tf.dispose(Object.values(out));
  return { loss, grads: g, decoded };
}

describe('nlpDomain', () => {
  it('reads a SNIPS-format folder; labels only in dev are counted and scored as errors', async () => {
    const data = await nlpDomain.loadData(config('text-bilstm'), { configDir: dir });
    expect(Object.keys(data.splits)).toEqual(['train', 'dev', 'test']);
    expect(data.validSplit).toBe('dev');
    expect(data.warnings).toEqual([
      'split "dev": 1 slots label not seen in training (e.g. B-town), scored as errors',
      'split "dev": 1 intent label not seen in training (e.g. PlayMusic#GetWeather), scored as errors',
    ]);
    const model = createModel({ ...config('text-bilstm').model, seed: 1 }, data.tasks, data.splits.train!.spec);
    const ev = await evaluate(model, data.splits.dev!, { batchSize: 8 });
    // whatever the model predicts, the unseen intent and the B-town entity are wrong
    expect(ev.tasks.intent!.accuracy).toBeLessThanOrEqual(2 / 3);
    expect(ev.tasks.frame!.sentence_accuracy).toBeLessThanOrEqual(2 / 3);
    expect(ev.tasks.slots!['f1/town']).toBe(0);
    model.dispose();
  });

  it.each([['text-bilstm'], ['text-cnn']])(
    '%s: extra padding (tokens and chars) changes no loss, gradient or prediction',
    async (trunk) => {
      const c = config(trunk);
      const data = await nlpDomain.loadData(c, { configDir: dir });
      const model = createModel({ ...c.model, seed: 1 }, data.tasks, data.splits.train!.spec);
      const batch = await firstBatch(data.splits.train!, 8);
      const wider = padMore(batch, 3, 4);
      const a = lossesAndDecoded(model, data.tasks, batch);
      const b = lossesAndDecoded(model, data.tasks, wider);
      expect(b.loss).toBeCloseTo(a.loss, 4);
      a.grads.forEach((g, k) => {
        g.forEach((v, j) => {
          expect(b.grads[k]![j]).toBeCloseTo(v, 4);
        });
      });
      expect(b.decoded).toEqual(a.decoded);
      disposeBatch(batch);
      disposeBatch(wider);
      model.dispose();
    },
  );

  it('trains (CRF slots + attention intent) to the toy rules with a flat tensor count; predict spans index the raw text', async () => {
    const c = config('text-bilstm', 'token-crf', { tokenizer: 'word-punct' }, { hidden: 16 });
    const data = await nlpDomain.loadData(c, { configDir: dir });
    const model = createModel({ ...c.model, seed: 1 }, data.tasks, data.splits.train!.spec);
    const trainer = new Trainer(model, {
      train: { ...c.train, epochs: 12, optimizer: { ...c.train.optimizer, lr: 0.02 } },
      seed: 1,
      progress: false,
    });
    const before = tf.memory().numTensors;
    await trainer.fit(data.splits.train!);
    expect(tf.memory().numTensors).toBe(before);
    const ev = await evaluate(model, data.splits.test!, { batchSize: 8 });
    expect(ev.tasks.intent!.accuracy).toBe(1);
    expect(ev.tasks.slots!.f1).toBe(1);
    expect(ev.tasks.frame!.sentence_accuracy).toBe(1);

    const state = data.preprocessing as NlpState;
    const text = 'What is the weather in  new   york ?!';
    const record = nlpDomain.parsePredictLine!(text);
    const encoded = nlpDomain.encodeRecords([record], c, state, () => 'input:1') as Awaited<ReturnType<typeof nlpDomain.encodeRecords>>;
    const out = model.predict(encoded.inputs);
    const prediction = Object.fromEntries(
      data.tasks.map((t) => [t.name, t.decode(out[t.name]!, { positionMask: encoded.positionMasks?.[t.label ?? t.name] })[0]]),
    );
    tf.dispose([...Object.values(out), ...Object.values(encoded.inputs), ...Object.values(encoded.positionMasks ?? {})]);
    expect((prediction.slots as TaggedSentence).tags).toHaveLength(9);
    const formatted = (await nlpDomain.formatPrediction!(prediction, record, state, { source: 'input:1' })) as {
      intent: string;
      entities: { type: string; text: string; start: number; end: number }[];
    };
    expect(formatted.intent).toBe('GetWeather');
    expect(formatted.entities.map((e) => e.type)).toContain('city');
    for (const e of formatted.entities) expect(text.slice(e.start, e.end)).toBe(e.text);
    trainer.dispose();
    model.dispose();
  });

  it('initialises the word table from a GloVe file named in the config', async () => {
    const vectors = join(dir, 'glove.txt');
    writeFileSync(vectors, 'paris 1 2 3 4 5 6 7 8\nunseenword 8 7 6 5 4 3 2 1\n');
    const c = config('text-bilstm', 'token-softmax', { vectors: { file: 'glove.txt' } });
    const data = await nlpDomain.loadData(c, { configDir: dir });
    const state = data.preprocessing as NlpState;
    expect(state.words.has('unseenword')).toBe(false); // not in any split's text
    const model = createModel({ ...c.model, seed: 1 }, data.tasks, data.splits.train!.spec);
    const table = model.trunk.parameters()[0]!.variable;
    const row = tf.tidy(() => tf.gather(table, [state.words.id('paris')]).dataSync());
    expect(Array.from(row)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // the vectors never reach model.json
    expect(JSON.stringify(data.splits.train!.spec)).not.toContain('wordVectors');
    model.dispose();
  });

  it('a bad predict line: a JSON object without a text field', () => {
    expect(() => nlpDomain.parsePredictLine!('{"txt": "hello"}')).toThrow('a JSON line needs a "text" string field');
    expect(nlpDomain.parsePredictLine!('{"text": "hi there", "id": 3}')).toEqual({ text: 'hi there', id: 3 });
  });
});
