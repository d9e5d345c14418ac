import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDomainCli } from '@polytask/cli';
import {
  createModel,
  EXPORT_MANIFEST,
  type ExportManifest,
  folderLoadHandler,
  loadWeights,
  RunConfig,
  readModelJson,
  validate,
} from '@polytask/core';
import { recsysDomain } from '@polytask/recsys';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

const APP = resolve(import.meta.dirname, '..');
const DEMO = resolve(APP, '../../datasets/recsys/demo');
const work = mkdtempSync(join(tmpdir(), 'recsys-export-'));

/** Runs `polytask-recsys ARGS` in this process, capturing what it writes. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await runDomainCli(recsysDomain, ['node', 'polytask-recsys', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

/** The first `n` rows of a CSV file as raw JSON records (strings), as a client would send them. */
function csvRecords(file: string, n: number): Record<string, string>[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return lines.slice(0, n).map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

describe('polytask-recsys export --format tfjs-layers (demo: ESMM on a two-level PLE)', () => {
  const run = join(work, 'demo');
  const exported = join(work, 'demo-tfjs');

  it('a trained model, loaded with tf.loadLayersModel, predicts what the model does on the same raw records', async () => {
    const train = await cli('train', '--config', join(APP, 'configs/demo.yaml'), '--out', run, '--epochs', '1');
    expect(train.code).toBe(0);
    const exp = await cli('export', '--model', run, '--format', 'tfjs-layers', '--out', exported);
    expect(exp.stderr).not.toMatch(/error/);
    expect(exp.code).toBe(0);

    const manifest = JSON.parse(readFileSync(join(exported, EXPORT_MANIFEST), 'utf8')) as ExportManifest;
    expect(manifest).toMatchObject({ format: 'polytask-export', formatVersion: 1, modelFormat: 'tfjs-layers', domain: 'recsys' });
    expect(manifest.outputs.map((o) => [o.task, o.shape])).toEqual([
      ['ctr', [1]],
      ['cvr', [1]],
      ['ctcvr', [1]],
    ]);
    expect(manifest.inputs.map((i) => i.name)).toEqual(['sparse', 'multi', 'dense']);
    expect(manifest.customLayers).toEqual(['Polytask>FieldOffset', 'Polytask>MaskedMean']);

    // Raw records → inputs with the exported preprocessing alone; the exported model against the trained one.
    const records = csvRecords(join(DEMO, 'test.csv'), 200);
    records[3]!.user_id = 'never-seen'; // out of vocabulary
    records[4]!.age = '?'; // missing
    records[5]!.tags = ''; // no values: a zero vector
    const state = recsysDomain.parsePreprocessing(manifest.preprocessing, EXPORT_MANIFEST);
    const modelDir = join(run, 'model');
    const json = readModelJson(modelDir);
    const config = validate(RunConfig, json.config, 'model.json');
    const inputs = recsysDomain.encodeRecords(records, config, state, (i) => `record ${i}`);
    const model = createModel({ ...config.model, seed: config.seed }, recsysDomain.createTasks(config, state), json.dataSpec);
    loadWeights(modelDir, model);
    const expected = model.predict(inputs);

    const loaded = await tf.loadLayersModel(folderLoadHandler(exported));
    const outs = loaded.predict(manifest.inputs.map((i) => inputs[i.name]!)) as tf.Tensor[];
    manifest.outputs.forEach((o, k) => {
      const want = expected[o.task]!.dataSync();
      const got = outs[k]!.dataSync();
      expect(got.length).toBe(records.length);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      expect(worst, o.task).toBeLessThan(1e-5);
    });
    // pCTCVR = pCTR · pCVR in the exported graph too
    const [ctr, cvr, ctcvr] = outs.map((t) => t.dataSync());
    for (let i = 0; i < records.length; i++) expect(ctcvr![i]).toBeCloseTo(ctr![i]! * cvr![i]!, 6);
    tf.dispose([...Object.values(inputs), ...Object.values(expected), ...outs]);
    loaded.dispose();
    model.dispose();
  });

  it('an unknown format is a usage error (exit 2)', async () => {
    const bad = await cli('export', '--model', run, '--format', 'onnx', '--out', join(work, 'x'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown export format "onnx"; known: tfjs-layers/);
  });
});
