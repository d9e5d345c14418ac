import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { cli } from '../test/run-cli.js';

const APP = resolve(import.meta.dirname, '..');
const REPO = resolve(APP, '../..');
const CONFIGS = join(APP, 'configs');
const ALI_CCP = resolve(REPO, '../shared/datasets/ali-ccp-sample');
const work = mkdtempSync(join(tmpdir(), 'recsys-cli-'));

type Metrics = { split: string; tasks: Record<string, Record<string, number>>; throughput?: Record<string, number> };
const metrics = (dir: string): Metrics => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Metrics;

/** CSV rows of a file as JSON records (raw strings), the way a client would send them to `predict`. */
function csvRecords(file: string, n: number): Record<string, string>[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.slice(0, n).map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

interface EditableConfig {
  model: { architecture: unknown };
  train: { epochs: number };
  tasks: unknown[];
}

function variant(base: string, name: string, edit: (c: EditableConfig) => void): string {
  const config = parse(readFileSync(join(CONFIGS, base), 'utf8')) as EditableConfig;
  edit(config);
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}

describe('polytask-recsys on the Ali-CCP sample (ESMM)', () => {
  const out = join(work, 'ali');

  it('train writes metrics for ctr, cvr (clicked samples) and ctcvr (all impressions)', async () => {
    const run = await cli('train', '--config', join(CONFIGS, 'ali-ccp.yaml'), '--out', out, '--epochs', '2');
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const m = metrics(out);
    expect(m.split).toBe('test');
    expect(Object.keys(m.tasks)).toEqual(['ctr', 'cvr', 'ctcvr']);
    for (const t of ['ctr', 'cvr', 'ctcvr']) expect(Object.keys(m.tasks[t]!)).toEqual(['auc', 'logloss']);
    // the test file: 2 clicks (1 purchase) → CVR AUC over 2 clicked samples is 0, ½ or 1
    expect([0, 0.5, 1]).toContain(m.tasks.cvr!.auc);
    expect(Object.keys(m.throughput!)).toEqual(['samples/s']);
    expect(m.throughput!['samples/s']).toBeGreaterThan(0);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
    const model = JSON.parse(readFileSync(join(out, 'model', 'model.json'), 'utf8'));
    expect(model.preprocessing.format).toBe('polytask-recsys');
    expect(model.preprocessing.features.features).toHaveLength(31);
  });

  it('eval scores a named split of a --data folder with the saved preprocessing', async () => {
    const evalOut = join(work, 'ali-eval');
    const run = await cli('eval', '--model', join(out, 'model'), '--data', ALI_CCP, '--split', 'val', '--out', evalOut);
    expect(run.code).toBe(0);
    const m = metrics(evalOut);
    expect(m.split).toBe('val');
    expect(Object.keys(m.tasks)).toEqual(['ctr', 'cvr', 'ctcvr']);
    const bad = await cli('eval', '--model', join(out, 'model'), '--data', ALI_CCP, '--split', 'nope', '--out', evalOut);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no split "nope"; the data has: train, val, test/);
    // --model also takes the train run's --out folder, with the same result
    const viaRun = await cli('eval', '--model', out, '--data', ALI_CCP, '--split', 'val', '--out', join(work, 'ali-eval-run'));
    expect(viaRun.code).toBe(0);
    expect(metrics(join(work, 'ali-eval-run')).tasks).toEqual(m.tasks);
  });

  it('predict reads JSON lines of raw values and writes pCTR, pCVR and pCTCVR = pCTR · pCVR', async () => {
    const records = csvRecords(join(ALI_CCP, 'ali_ccp_test_sample.csv'), 5);
    records[1]!['101'] = 'unseen-id'; // OOV
    delete records[2]!.D508; // a missing dense value
    const input = join(work, 'ali.jsonl');
    writeFileSync(input, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const run = await cli('predict', '--model', join(out, 'model'), '--input', input);
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines).toHaveLength(5);
    for (const p of lines) {
      expect(Object.keys(p)).toEqual(['ctr', 'cvr', 'ctcvr']);
      for (const v of Object.values(p)) expect(v).toBeGreaterThan(0);
      expect(p.ctcvr).toBeCloseTo(p.ctr! * p.cvr!, 4);
    }
  });

  it('predict writes an error record naming the input line and field of a bad value, and predicts the rest', async () => {
    const input = join(work, 'bad.jsonl');
    writeFileSync(input, `${JSON.stringify({ id: 'a', D508: 0.1 })}\n\n${JSON.stringify({ id: 'b', D508: 'lots' })}\n[1, 2]\n`);
    const run = await cli('predict', '--model', join(out, 'model'), '--input', input);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('2 of 3 input lines failed');
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]!.id).toBe('a');
    expect(Object.keys(lines[0]!)).toEqual(['id', 'ctr', 'cvr', 'ctcvr']);
    expect(lines[1]).toEqual({ id: 'b', line: 3, error: `${input}:3, field "D508": not a number: "lots"` });
    expect(lines[2]).toEqual({ line: 4, error: `${input}:4: expected a JSON object of raw feature values` });
  });

  for (const [arch, options] of [
    ['hard', { units: [16] }],
    ['mmoe', { experts: 3, expertUnits: [16] }],
    ['cgc', { sharedExperts: 1, taskExperts: 1, expertUnits: [16] }],
    ['ple', { levels: 2, expertUnits: [16] }],
  ] as const) {
    it(`ESMM trains through the ${arch} architecture`, async () => {
      const config = variant('ali-ccp.yaml', `ali-${arch}`, (c) => {
        c.model.architecture = { type: arch, options };
        c.train.epochs = 1;
      });
      const dir = join(work, `ali-${arch}`);
      const run = await cli('train', '--config', config, '--out', dir, '--data', ALI_CCP);
      expect(run.code).toBe(0);
      expect(Object.keys(metrics(dir).tasks)).toEqual(['ctr', 'cvr', 'ctcvr']);
    });
  }

  it('a single-task baseline from the same config (--single-task)', async () => {
    const dir = join(work, 'ali-single');
    const run = await cli('train', '--config', join(CONFIGS, 'ali-ccp.yaml'), '--out', dir, '--epochs', '1', '--single-task', 'ctr');
    expect(run.code).toBe(0);
    expect(Object.keys(metrics(dir).tasks)).toEqual(['ctr']);
  });

  it('a task without labels in the data is a usage error', async () => {
    const config = variant('ali-ccp.yaml', 'ali-nolabel', (c) => {
      c.tasks.push({ name: 'dwell', type: 'binary' });
    });
    const run = await cli('train', '--config', config, '--out', join(work, 'x'), '--data', ALI_CCP);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/task "dwell" needs labels "dwell"/);
  });

  it('an invalid data section is a usage error naming the config file and the field', async () => {
    const config = variant('ali-ccp.yaml', 'ali-baddata', (c) => {
      (c as unknown as { data: Record<string, unknown> }).data.files = 'train.csv';
    });
    const run = await cli('train', '--config', config, '--out', join(work, 'x'), '--data', ALI_CCP);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('ali-baddata.yaml');
    expect(run.stderr).toContain('data.files');
  });
});

describe('the demo config through the real executable', () => {
  const exec = promisify(execFile);
  const bin = (...args: string[]) =>
    exec(process.execPath, ['--conditions=@polytask/source', '--import', 'tsx', join(APP, 'src/main.ts'), ...args], { cwd: REPO });

  it('trains (printing per-task metrics), evaluates and predicts from raw JSON records', async () => {
    const out = join(work, 'demo');
    const train = await bin('train', '--config', join(CONFIGS, 'demo.yaml'), '--out', out);
    const printed = JSON.parse(train.stdout.trim().split('\n').pop()!) as Metrics;
    expect(printed.split).toBe('test');
    for (const t of ['ctr', 'cvr', 'ctcvr']) expect(Object.keys(printed.tasks[t]!)).toEqual(['auc', 'logloss', 'gauc']);
    // there is signal to learn: better than chance on every task
    expect(printed.tasks.ctr!.auc).toBeGreaterThan(0.58);
    expect(printed.tasks.ctcvr!.auc).toBeGreaterThan(0.6);
    expect(metrics(out).tasks).toEqual(printed.tasks);

    const evalOut = join(work, 'demo-eval');
    await bin('eval', '--model', join(out, 'model'), '--data', join(REPO, 'datasets/recsys/demo'), '--split', 'valid', '--out', evalOut);
    expect(metrics(evalOut).split).toBe('valid');

    const input = join(work, 'demo.jsonl');
    writeFileSync(
      input,
      [
        { user_id: 'u1', item_id: 'i5', category: 'c3', tags: 't1|t2', price: 12.5, age: 30, hour: 20 },
        { user_id: 'nobody', item_id: 'i5', category: 'c3', tags: ['t1', 't2'], price: '12.5', age: '?', hour: 3 },
        { item_id: 'i7' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const predict = await bin('predict', '--model', join(out, 'model'), '--input', input);
    const lines = predict.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines).toHaveLength(3);
    for (const p of lines) expect(p.ctcvr).toBeCloseTo(p.ctr! * p.cvr!, 4);
  }, 120_000);
});

describe('the installed command', () => {
  it('node_modules/.bin/polytask-recsys runs the built app, or says how to build it', async () => {
    const bin = join(REPO, 'node_modules/.bin/polytask-recsys');
    const run = await promisify(execFile)(bin, ['--help'], { cwd: REPO }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    if (existsSync(join(APP, 'dist/main.js'))) {
      expect(run.code).toBe(0);
      for (const command of ['train', 'eval', 'predict', 'report']) expect(run.stdout).toContain(command);
    } else {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/not built yet; run `npm run build`/);
    }
  });
});
