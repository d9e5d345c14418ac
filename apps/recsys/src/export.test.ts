import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  createModel,
  type EncodedRecords,
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
import { cli } from '../test/run-cli.js';

const APP = resolve(import.meta.dirname, '..');
const DEMO = resolve(APP, '../../datasets/recsys/demo');
const work = mkdtempSync(join(tmpdir(), 'recsys-export-'));
/** A headless browser for the browser check (optional: `apt-get install chromium`); the check is skipped without one. */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

/** A page that loads `model/model.json` with tf.loadLayersModel (custom layers from `@polytask/core/layers`), predicts `check.json`'s inputs and writes the outputs into the page. */
const PAGE_SCRIPT = `
import * as tf from '@tensorflow/tfjs';
import '@polytask/core/layers';
const out = document.getElementById('out');
try {
  await tf.setBackend('cpu');
  const check = await (await fetch('check.json')).json();
  const model = await tf.loadLayersModel('model/model.json');
  const ys = model.predict(check.inputs.map((i) => tf.tensor(i.data, i.shape, i.dtype)));
  out.textContent = JSON.stringify({ outputs: (Array.isArray(ys) ? ys : [ys]).map((y) => Array.from(y.dataSync())) });
} catch (e) {
  out.textContent = JSON.stringify({ error: String(e) });
}`;

/** Serves `files` (path → contents, or a folder to read from) on localhost while `fn` runs. */
async function serving<T>(files: Record<string, string | Uint8Array>, folder: string, fn: (url: string) => Promise<T>): Promise<T> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1) || 'index.html';
    const body = files[path] ?? (path.startsWith('model/') ? readFileSync(join(folder, path.slice('model/'.length))) : undefined);
    if (body === undefined || path.includes('..')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    return await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    server.close();
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
    const { inputs } = recsysDomain.encodeRecords(records, config, state, (i) => `record ${i}`) as EncodedRecords;
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
    // the same inputs and expected values for the browser check
    writeFileSync(
      join(work, 'check.json'),
      JSON.stringify({
        inputs: manifest.inputs.map((i) => ({
          shape: inputs[i.name]!.shape,
          dtype: i.dtype,
          data: Array.from(inputs[i.name]!.dataSync()),
        })),
        expected: manifest.outputs.map((o) => Array.from(expected[o.task]!.dataSync())),
      }),
    );
    tf.dispose([...Object.values(inputs), ...Object.values(expected), ...outs]);
    loaded.dispose();
    model.dispose();
  });

  it.skipIf(!CHROMIUM)(
    'a headless Chromium loads the same folder over HTTP and predicts the same values',
    async () => {
      const { build } = await import('esbuild');
      const bundle = await build({
        stdin: { contents: PAGE_SCRIPT, resolveDir: APP, loader: 'js' },
        bundle: true,
        format: 'esm',
        platform: 'browser',
        conditions: ['@polytask/source'],
        write: false,
        logLevel: 'error',
      });
      const check = readFileSync(join(work, 'check.json'), 'utf8');
      const files = {
        'index.html': '<!doctype html><meta charset="utf-8"><pre id="out">pending</pre><script type="module" src="page.js"></script>',
        'page.js': bundle.outputFiles[0]!.text,
        'check.json': check,
      };
      const dom = await serving(files, exported, async (url) => {
        const args = ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=60000', '--dump-dom', url];
        return (await promisify(execFile)(CHROMIUM!, args, { timeout: 120_000, maxBuffer: 1 << 24 })).stdout;
      });
      const text = /<pre id="out">([^<]*)<\/pre>/.exec(dom)?.[1] ?? dom;
      const result = JSON.parse(text.replaceAll('&quot;', '"').replaceAll('&amp;', '&')) as { outputs?: number[][]; error?: string };
      expect(result.error).toBeUndefined();
      const expected = (JSON.parse(check) as { expected: number[][] }).expected;
      expect(result.outputs).toHaveLength(expected.length);
      expected.forEach((want, k) => {
        const got = result.outputs![k]!;
        expect(got).toHaveLength(want.length);
        expect(Math.max(...want.map((w, i) => Math.abs(got[i]! - w)))).toBeLessThan(1e-5);
      });
    },
    180_000,
  );

  it('an unknown format is a usage error (exit 2)', async () => {
    const bad = await cli('export', '--model', run, '--format', 'onnx', '--out', join(work, 'x'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown export format "onnx"; known: tfjs-layers/);
  });
});
