import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { cli } from '../test/run-cli.js';
import { toyConll } from '../test/toy-data.js';

const APP = resolve(import.meta.dirname, '..');
const CONFIGS = join(APP, 'configs');
const SNIPS = resolve(APP, '../../../shared/datasets/snips');
const work = mkdtempSync(join(tmpdir(), 'nlp-cli-'));

type Metrics = { split: string; tasks: Record<string, Record<string, number>>; throughput?: Record<string, number>; warnings: string[] };
const metrics = (dir: string): Metrics => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Metrics;

// biome-ignore lint/suspicious/noExplicitAny: tests edit the shipped configs field by field
function variant(base: string, name: string, edit: (c: Record<string, any>) => void): string {
  const config = parse(readFileSync(join(CONFIGS, base), 'utf8'));
  edit(config);
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}

/** What predict wrote: one JSON object per line. */
const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe.skipIf(!existsSync(SNIPS))('polytask-nlp on a SNIPS slice (the shipped config, reduced)', () => {
  const out = join(work, 'snips');
  // The shipped config on the first 2,000 training sentences, 4 epochs, a narrower BiLSTM with less dropout (a
  // short run on a slice): under a minute on 2 cores.
  const config = variant('snips.yaml', 'snips-ci', (c) => {
    c.data.root = SNIPS;
    c.data.maxSentences = 2000;
    c.model.trunk.options = { ...c.model.trunk.options, wordDim: 64, charFilters: 32, hidden: 64, dropout: 0.3 };
    c.train = { ...c.train, epochs: 4, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 } };
    delete c.train.earlyStopping;
  });

  it('train learns intent and slots well above chance, with throughput in sentences/s', async () => {
    const run = await cli('train', '--config', config, '--out', out);
    expect(run.code, run.stderr).toBe(0);
    const m = metrics(out);
    expect(m.split).toBe('test');
    expect(Object.keys(m.tasks)).toEqual(['intent', 'slots', 'frame']);
    // chance: 1/7 intent accuracy, entity F1 ≈ 0
    expect(m.tasks.intent!.accuracy).toBeGreaterThan(0.9);
    expect(m.tasks.slots!.f1).toBeGreaterThan(0.6);
    expect(m.tasks.slots!['f1/playlist']).toBeGreaterThan(0);
    expect(m.tasks.frame!.sentence_accuracy).toBeGreaterThan(0.2);
    expect(m.throughput!['sentences/s']).toBeGreaterThan(0);
  });

  it('eval scores a named split with the saved preprocessing', async () => {
    const evalOut = join(work, 'snips-eval');
    const run = await cli('eval', '--model', out, '--data', SNIPS, '--split', 'dev', '--out', evalOut);
    expect(run.code, run.stderr).toBe(0);
    const m = metrics(evalOut);
    expect(m.split).toBe('dev');
    expect(m.tasks.intent!.accuracy).toBeGreaterThan(0.9);
  });

  it('predict: raw text and JSON lines → intent, confidence and entities whose offsets index the raw text', async () => {
    const input = join(work, 'utterances.txt');
    const texts = [
      'add  this song to my   workout playlist',
      'what will the weather be in paris tomorrow ?',
      '{"text": "book a table for 2 at a pizzeria", "id": 7}',
    ];
    writeFileSync(input, `${texts.join('\n')}\n`);
    const run = await cli('predict', '--model', out, '--input', input);
    expect(run.code, run.stderr).toBe(0);
    const rows = lines(run.stdout);
    expect(rows.map((r) => r.intent)).toEqual(['AddToPlaylist', 'GetWeather', 'BookRestaurant']);
    expect(rows[2]!.id).toBe(7);
    for (const r of rows) {
      expect(typeof r.confidence).toBe('number');
      for (const e of r.entities as { type: string; text: string; start: number; end: number; score: number }[]) {
        expect((r.text as string).slice(e.start, e.end)).toBe(e.text);
        expect(e.score).toBeGreaterThan(0);
      }
    }
    expect(rows.flatMap((r) => r.entities as unknown[]).length).toBeGreaterThan(0);
  });

  it('export names what tfjs-layers cannot express', async () => {
    const run = await cli('export', '--model', out, '--format', 'tfjs-layers', '--out', join(work, 'export'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/export: the "text-bilstm" trunk is not exportable to tfjs-layers/);
    expect(existsSync(join(work, 'export'))).toBe(false);
  });
});

describe('polytask-nlp on CoNLL column files (a synthetic set written here; CoNLL text is never committed)', () => {
  const data = join(work, 'conll');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'train.txt'), toyConll(60));
  writeFileSync(join(data, 'valid.txt'), toyConll(12, 60));
  writeFileSync(join(data, 'other.txt'), toyConll(8, 100));
  const out = join(work, 'conll-run');
  // The shipped CoNLL config with POS and chunk auxiliary tasks, on the synthetic folder through --data.
  const config = variant('conll2003.yaml', 'conll-ci', (c) => {
    c.data.columns = { ner: -1, pos: 1, chunk: 2 };
    c.tasks.push({ name: 'pos', type: 'token-softmax', head: { type: 'token', options: {} } });
    c.tasks.push({ name: 'chunk', type: 'token-crf', head: { type: 'token', options: {} } });
    c.model.trunk.options = { ...c.model.trunk.options, wordDim: 16, charFilters: 8, hidden: 16, dropout: 0 };
    // earlyStopping stays: monitor ner/f1, a value of the multi-valued entities metric
    c.train = { ...c.train, epochs: 6, batchSize: 8, optimizer: { name: 'adam', lr: 0.02 } };
  });

  it('trains ner with pos/chunk auxiliaries; eval --split NAME reads DIR/NAME.txt; predict tokenizes raw text', async () => {
    const run = await cli('train', '--config', config, '--data', data, '--out', out);
    expect(run.code, run.stderr).toBe(0);
    const m = metrics(out);
    expect(m.split).toBe('valid');
    expect(Object.keys(m.tasks)).toEqual(['ner', 'pos', 'chunk']);
    expect(m.tasks.ner!.f1).toBeGreaterThan(0.9);
    expect(m.tasks.pos!.tag_accuracy).toBeGreaterThan(0.9);
    const evalOut = join(work, 'conll-eval');
    const ev = await cli('eval', '--model', out, '--data', data, '--split', 'other', '--out', evalOut);
    expect(ev.code, ev.stderr).toBe(0);
    expect(metrics(evalOut).split).toBe('other');
    expect(metrics(evalOut).tasks.ner!.f1).toBeGreaterThan(0.9);

    const input = join(work, 'news.txt');
    writeFileSync(input, 'Ann Lee  visited Berlin.\n');
    const p = await cli('predict', '--model', out, '--input', input);
    expect(p.code, p.stderr).toBe(0);
    const [row] = lines(p.stdout);
    expect(row!.entities).toEqual([
      { type: 'PER', text: 'Ann Lee', start: 0, end: 7, score: expect.any(Number) },
      { type: 'LOC', text: 'Berlin', start: 17, end: 23, score: expect.any(Number) },
    ]);
    expect(row!.pos).toHaveLength(5); // Ann Lee visited Berlin .
    expect((row!.chunk as { type: string }[]).map((c) => c.type)).toEqual(['NP', 'VP', 'NP']);
  });
});
