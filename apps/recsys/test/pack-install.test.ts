// What a new user gets from npm: every published package is packed (publint --strict and arethetypeswrong clean,
// scripts/check-pack.mjs), the tarballs are installed with plain npm into an empty project outside the workspace,
// and that project trains a two-task model through the public API, loads it with loadRecsysModel, predicts, and runs
// the installed `polytask-recsys` bin: --version, --help, train, predict, report. The native addon is not built
// there (POLYTASK_SKIP_NATIVE=1): the install must not need it. About a minute; builds first (tsc -b, incremental).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../../..');
const DEMO = join(REPO, 'datasets/recsys/demo');
const work = mkdtempSync(join(tmpdir(), 'polytask-pack-install-'));
const project = join(work, 'project');
const env = { ...process.env, POLYTASK_SKIP_NATIVE: '1', POLYTASK_LOG: 'silent', npm_config_fund: 'false', npm_config_audit: 'false' };

let tarballs: Record<string, string> = {};

/** Runs a command in the installed project; resolves with its stdout, rejects with its stderr. */
async function inProject(cmd: string, args: string[]): Promise<string> {
  const { stdout } = await run(cmd, args, { cwd: project, env, maxBuffer: 64 << 20 });
  return stdout;
}
const bin = (...args: string[]) => inProject(join(project, 'node_modules/.bin/polytask-recsys'), args);
const visionBin = (...args: string[]) => inProject(join(project, 'node_modules/.bin/polytask-vision'), args);
const nlpBin = (...args: string[]) => inProject(join(project, 'node_modules/.bin/polytask-nlp'), args);

/** A tiny SNIPS-format folder (`<split>/{seq.in, seq.out, label}`): weather in a city, music by a song name. */
function writeSnips(root: string): void {
  const rows = Array.from({ length: 24 }, (_, i) =>
    i % 2 === 0
      ? { words: ['weather', 'in', ['paris', 'rome', 'oslo'][i % 3]!], tags: ['O', 'O', 'B-city'], intent: 'GetWeather' }
      : { words: ['play', ['halo', 'yellow', 'imagine'][i % 3]!], tags: ['O', 'B-song'], intent: 'PlayMusic' },
  );
  for (const split of ['train', 'dev', 'test']) {
    mkdirSync(join(root, split), { recursive: true });
    writeFileSync(join(root, split, 'seq.in'), `${rows.map((r) => r.words.join(' ')).join('\n')}\n`);
    writeFileSync(join(root, split, 'seq.out'), `${rows.map((r) => r.tags.join(' ')).join('\n')}\n`);
    writeFileSync(join(root, split, 'label'), `${rows.map((r) => r.intent).join('\n')}\n`);
  }
}
const NLP_CONFIG = {
  seed: 1,
  data: { format: 'snips', root: 'snips', tokenizer: 'whitespace' },
  tasks: [
    { name: 'intent', type: 'sentence-classification', head: { type: 'sentence', options: {} } },
    { name: 'slots', type: 'token-crf', head: { type: 'token', options: {} } },
  ],
  model: { trunk: { type: 'text-bilstm', options: { wordDim: 8, charDim: 4, charFilters: 4, hidden: 8 } } },
  train: { epochs: 1, batchSize: 8 },
};

/** A user's script: synthetic shapes written in the COCO128 layout through the installed @polytask/vision. */
const SHAPES_SCRIPT = `
import { writeShapesDataset } from '@polytask/vision';
await writeShapesDataset('shapes', { seed: 3, size: 64, minObjects: 1, maxObjects: 2, splits: { train2017: 16, val2017: 4 } });
`;
const VISION_CONFIG = {
  seed: 1,
  data: { format: 'coco128', root: 'shapes', imageSize: 64, trainSplit: 'train2017', testSplit: 'val2017', augment: false },
  tasks: [
    { name: 'detection', type: 'detection' },
    { name: 'segmentation', type: 'segmentation' },
  ],
  model: { trunk: { type: 'vision-backbone', options: { width: 8, depth: 1, stages: 3, neckChannels: 16 } } },
  train: { epochs: 1, batchSize: 8 },
};

/** The library path as a user writes it: a two-task config, core's Trainer, recsys' data and loader. */
const LIBRARY_SCRIPT = `
import { createModel, RunConfig, selectBackend, Trainer } from '@polytask/core';
import { loadRecsysModel, recsysDomain } from '@polytask/recsys';
import { readFileSync } from 'node:fs';

await selectBackend();
const config = RunConfig.parse({
  seed: 2,
  data: {
    root: ${JSON.stringify(DEMO)},
    files: { train: 'train.csv', valid: 'valid.csv', test: 'test.csv' },
    features: [
      { name: 'user_id', type: 'categorical', minCount: 2 },
      { name: 'category', type: 'categorical', hashBuckets: 16 },
      { name: 'price', type: 'numeric', log: true, standardize: true },
    ],
    labels: { click: { column: 'click' }, purchase: { column: 'purchase' } },
  },
  tasks: [{ name: 'click', type: 'binary' }, { name: 'purchase', type: 'binary' }],
  model: { trunk: { type: 'embedding', options: { embeddingDim: 4 } }, architecture: { type: 'mmoe', options: { experts: 2, expertUnits: [8] } } },
  train: { epochs: 2, batchSize: 128 },
});
const data = await recsysDomain.loadData(config, { configDir: process.cwd() });
const train = data.splits[data.trainSplit];
const model = createModel({ ...config.model, seed: config.seed }, data.tasks, train.spec);
const meta = { config, preprocessing: recsysDomain.serializePreprocessing(data.preprocessing), dataSpec: train.spec };
const fit = await new Trainer(model, { train: config.train, outDir: 'runs/lib', progress: false, modelMeta: meta }).fit(train, data.splits[data.validSplit]);
model.dispose();
const trained = loadRecsysModel('runs/lib');
const records = readFileSync('records.jsonl', 'utf8').trim().split('\\n').map((l) => JSON.parse(l));
process.stdout.write(JSON.stringify({ epochs: fit.epochs, tasks: trained.tasks.map((t) => t.name), predictions: await trained.predict(records) }));
trained.dispose();
`;

/** Raw impressions (CSV columns as strings) the way a client sends them. */
function records(n: number): Record<string, string>[] {
  const [head, ...rows] = readFileSync(join(DEMO, 'test.csv'), 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return rows.slice(0, n).map((row) => Object.fromEntries(row.split(',').map((v, i) => [cols[i]!, v])));
}

beforeAll(async () => {
  const built = [
    'packages/core',
    'packages/cli',
    'packages/recsys',
    'packages/report',
    'packages/vision',
    'packages/nlp',
    'apps/recsys',
    'apps/vision',
    'apps/nlp',
  ];
  await run(join(REPO, 'node_modules/.bin/tsc'), ['-b', ...built], { cwd: REPO });
  const { stdout } = await run('node', [join(REPO, 'scripts/check-pack.mjs'), '--out', join(work, 'tarballs')], { cwd: REPO, env });
  tarballs = (JSON.parse(stdout) as { tarballs: Record<string, string> }).tarballs;
  mkdirSync(project);
  const dependencies = {
    ...Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`])),
    '@tensorflow/tfjs': '4.22.0',
  };
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'new-user', private: true, type: 'module', dependencies }, null, 2));
  writeFileSync(
    join(project, 'records.jsonl'),
    `${records(3)
      .map((r) => JSON.stringify(r))
      .join('\n')}\n`,
  );
  writeFileSync(join(project, 'library.mjs'), LIBRARY_SCRIPT);
  writeFileSync(join(project, 'shapes.mjs'), SHAPES_SCRIPT);
  writeFileSync(join(project, 'vision.json'), JSON.stringify(VISION_CONFIG));
  writeSnips(join(project, 'snips'));
  writeFileSync(join(project, 'nlp.json'), JSON.stringify(NLP_CONFIG));
  writeFileSync(join(project, 'sentences.txt'), 'weather in  rome\n{"text": "play halo", "id": 7}\n');
  await inProject('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']);
}, 480_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('packed and installed outside the workspace', () => {
  it('packs every library package and the domain CLIs, each tarball with LICENSE and README and without tests', () => {
    expect(Object.keys(tarballs).sort()).toEqual([
      '@polytask/cli',
      '@polytask/core',
      '@polytask/cpu-kernels',
      '@polytask/nlp',
      '@polytask/nlp-cli',
      '@polytask/recsys',
      '@polytask/recsys-cli',
      '@polytask/report',
      '@polytask/vision',
      '@polytask/vision-cli',
    ]);
    const license = readFileSync(join(REPO, 'LICENSE'), 'utf8');
    for (const file of Object.values(tarballs)) {
      const listing = execFileSync('tar', ['tzf', file], { encoding: 'utf8' }).split('\n');
      expect(listing).toContain('package/README.md');
      expect(listing.filter((f) => /\.test\.|tsbuildinfo/.test(f))).toEqual([]);
      expect(execFileSync('tar', ['xzfO', file, 'package/LICENSE'], { encoding: 'utf8' })).toBe(license);
    }
  });

  it('installs without the native addon built', () => {
    expect(existsSync(join(project, 'node_modules/@polytask/cpu-kernels/package.json'))).toBe(true);
    expect(existsSync(join(project, 'node_modules/@polytask/cpu-kernels/build/Release/cpu_kernels.node'))).toBe(false);
  });

  it('trains a two-task model through the public API, loads it with loadRecsysModel and predicts raw records', async () => {
    const out = JSON.parse(await inProject('node', ['library.mjs'])) as {
      epochs: number;
      tasks: string[];
      predictions: Record<string, number>[];
    };
    expect(out.epochs).toBe(2);
    expect(out.tasks).toEqual(['click', 'purchase']);
    expect(out.predictions).toHaveLength(3);
    for (const p of out.predictions) {
      expect(Object.keys(p)).toEqual(['click', 'purchase']);
      for (const v of Object.values(p)) {
        expect(v).toBeGreaterThan(0);
        expect(v).toBeLessThan(1);
      }
    }
    // The installed CLI scores the library-trained model identically.
    const cli = (await bin('predict', '--model', 'runs/lib', '--input', 'records.jsonl')).trim().split('\n');
    expect(cli.map((l) => JSON.parse(l))).toEqual(out.predictions);
  });

  it('the installed bin prints its version and a help with examples and environment variables', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO, 'apps/recsys/package.json'), 'utf8')) as { version: string };
    expect((await bin('--version')).trim()).toBe(version);
    const help = await bin('--help');
    expect(help).toContain('Examples:');
    expect(help).toContain('POLYTASK_BACKEND');
    expect(help).toMatch(/^ {2}report /m);
  });

  it('runs train, predict and report from the installed bin with the shipped demo config', async () => {
    const config = join(project, 'node_modules/@polytask/recsys-cli/configs/demo.yaml');
    await bin('train', '--config', config, '--data', DEMO, '--out', 'runs/cli', '--epochs', '1');
    const metrics = JSON.parse(readFileSync(join(project, 'runs/cli/metrics.json'), 'utf8')) as {
      split: string;
      tasks: Record<string, unknown>;
    };
    expect(metrics.split).toBe('test');
    expect(Object.keys(metrics.tasks).sort()).toEqual(['ctcvr', 'ctr', 'cvr']);
    const predictions = (await bin('predict', '--model', 'runs/cli', '--input', 'records.jsonl')).trim().split('\n');
    expect(predictions.map((l) => Object.keys(JSON.parse(l)))).toEqual([0, 1, 2].map(() => ['ctr', 'cvr', 'ctcvr']));
    const markdown = (await bin('report', '--run', 'runs/cli')).trim();
    expect(markdown).toBe(join(project, 'runs/cli/report/report.md'));
    expect(readFileSync(markdown, 'utf8')).toContain('.png');
  });

  it('the installed polytask-vision trains on shapes a user script wrote, and predicts a folder of images (sharp from npm)', async () => {
    await inProject('node', ['shapes.mjs']);
    await visionBin('train', '--config', 'vision.json', '--out', 'runs/vision');
    const metrics = JSON.parse(readFileSync(join(project, 'runs/vision/metrics.json'), 'utf8')) as { tasks: Record<string, unknown> };
    expect(Object.keys(metrics.tasks)).toEqual(['detection', 'segmentation']);
    const lines = (await visionBin('predict', '--model', 'runs/vision', '--input', 'shapes/images/val2017', '--out', 'pred'))
      .trim()
      .split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const p = JSON.parse(line) as { overlay: string; segmentation: { mask: string } };
      expect(existsSync(resolve(project, p.overlay))).toBe(true);
      expect(existsSync(resolve(project, p.segmentation.mask))).toBe(true);
    }
  });

  it('the installed polytask-nlp trains on a SNIPS-format folder and predicts raw text lines with spans (natural from npm)', async () => {
    await nlpBin('train', '--config', 'nlp.json', '--out', 'runs/nlp');
    const metrics = JSON.parse(readFileSync(join(project, 'runs/nlp/metrics.json'), 'utf8')) as { tasks: Record<string, unknown> };
    expect(Object.keys(metrics.tasks)).toEqual(['intent', 'slots']);
    const lines = (await nlpBin('predict', '--model', 'runs/nlp', '--input', 'sentences.txt')).trim().split('\n');
    const [raw, json] = lines.map(
      (l) => JSON.parse(l) as { id?: number; text: string; intent: string; entities: { start: number; end: number; text: string }[] },
    );
    expect(raw!.text).toBe('weather in  rome');
    expect(json!.id).toBe(7);
    for (const p of [raw!, json!]) {
      expect(['GetWeather', 'PlayMusic']).toContain(p.intent);
      for (const e of p.entities) expect(p.text.slice(e.start, e.end)).toBe(e.text);
    }
  });
});
