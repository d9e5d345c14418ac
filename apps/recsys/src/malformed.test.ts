// A hostile but fair user: malformed configs, data files, checkpoints, flags and predict records. Each case asserts
// the exit code, one error line naming the file / line / field, no stack trace, and what was (not) written.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CapturedRun as Run } from '@polytask/cli';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cli } from '../test/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'recsys-malformed-'));

/** The one error line of a failed run; asserts there is exactly one and no stack trace. */
function errorLine(run: Run): string {
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('polytask-recsys: error: '));
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

const HEADER = 'user_id,item_id,price,click,purchase';

/** Tiny deterministic impressions: a click on every third row, a purchase on every other click. */
function rows(n: number, offset = 0): string[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    const click = i % 3 === 0 ? 1 : 0;
    const purchase = click && i % 2 === 0 ? 1 : 0;
    return `u${i % 10},i${i % 7},${(i % 13) + 0.5},${click},${purchase}`;
  });
}

/** A dataset folder: train / valid / test files, each replaceable. */
function dataset(name: string, files: Partial<Record<'train' | 'valid' | 'test', string>> = {}): string {
  const dir = join(work, 'data', name);
  mkdirSync(dir, { recursive: true });
  const csv = (r: string[]) => `${[HEADER, ...r].join('\n')}\n`;
  writeFileSync(join(dir, 'train.csv'), files.train ?? csv(rows(96)));
  writeFileSync(join(dir, 'valid.csv'), files.valid ?? csv(rows(30, 96)));
  writeFileSync(join(dir, 'test.csv'), files.test ?? csv(rows(30, 126)));
  return dir;
}

// biome-ignore lint/suspicious/noExplicitAny: each case edits the config freely, field by field, as a user would
type Config = Record<string, any>;

function baseConfig(root: string): Config {
  return {
    seed: 1,
    data: {
      root,
      files: { train: 'train.csv', valid: 'valid.csv', test: 'test.csv' },
      features: [
        { name: 'user_id', type: 'categorical' },
        { name: 'item_id', type: 'categorical' },
        { name: 'price', type: 'numeric' },
      ],
      labels: { ctr: { column: 'click' }, ctcvr: { column: 'purchase' } },
    },
    tasks: [
      { name: 'ctr', type: 'binary', head: { type: 'mlp', options: { units: [4] } } },
      { name: 'ctcvr', type: 'binary', head: { type: 'mlp', options: { units: [4] } } },
    ],
    model: {
      trunk: { type: 'embedding', options: { embeddingDim: 4 } },
      architecture: { type: 'mmoe', options: { experts: 2, expertUnits: [8] } },
    },
    train: { epochs: 2, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 } },
  };
}

let counter = 0;
/** Writes a config (YAML) after `edit`; returns its path. */
function config(edit: (c: Config) => void = () => {}, root = dataset('good')): string {
  const c = baseConfig(root);
  edit(c);
  counter += 1;
  const file = join(work, `config-${counter}.yaml`);
  writeFileSync(file, stringify(c));
  return file;
}

const freshOut = () => join(work, `out-${++counter}`);

interface Case {
  readonly name: string;
  /** Arguments after `polytask-recsys`; `out` is a fresh folder that must stay unwritten. */
  readonly args: (out: string) => string[];
  readonly code: number;
  /** What the error line must say (file, line, field). */
  readonly says: (RegExp | string)[];
}

const train = (cfg: string, out: string, ...extra: string[]) => ['train', '--config', cfg, '--out', out, ...extra];
const trainWith = (edit: (c: Config) => void, ...extra: string[]) => {
  const cfg = config(edit);
  return { cfg, args: (out: string) => train(cfg, out, ...extra) };
};

function csvCase(name: string, trainCsv: string, says: (file: string) => (RegExp | string)[], edit: (c: Config) => void = () => {}): Case {
  const root = dataset(name.replace(/\W+/g, '-'), { train: trainCsv });
  const cfg = config(edit, root);
  return { name, args: (out) => train(cfg, out), code: 1, says: says(join(root, 'train.csv')) };
}

const configCases: Case[] = [
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.bogusKey = 1;
    });
    return { name: 'an unknown top-level key', args, code: 2, says: [cfg, 'field "bogusKey": unknown field'] };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.train.epoch = 5;
    });
    return { name: 'a misspelled train key', args, code: 2, says: [cfg, 'field "train.epoch": unknown field; did you mean "epochs"?'] };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.model.architecture = { type: 'ple', options: { sharedExpert: 2 } };
    });
    return {
      name: 'a misspelled architecture option',
      args,
      code: 2,
      says: [cfg, 'field "model.architecture.options.sharedExpert": unknown field; did you mean "sharedExperts"?'],
    };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.model.architecture.options.experts = 'two';
    });
    return { name: 'an architecture option of the wrong type', args, code: 2, says: [cfg, 'field "model.architecture.options.experts"'] };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.model.trunk.options = { embedingDim: 4 };
    });
    return {
      name: 'a misspelled trunk option',
      args,
      code: 2,
      says: [cfg, 'field "model.trunk.options.embedingDim"', 'did you mean "embeddingDim"?'],
    };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.tasks[1].head.options = { unit: [4] };
    });
    return {
      name: 'a misspelled head option (second task)',
      args,
      code: 2,
      says: [cfg, 'field "tasks[1].head.options.unit"', 'did you mean "units"?'],
    };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.train.weighting = { name: 'PCGard' };
    });
    return {
      name: 'an unknown weighting',
      args,
      code: 2,
      says: [cfg, 'field "train.weighting.name": unknown weighting "PCGard"; did you mean "PCGrad"?'],
    };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.train.weighting = { name: 'CAGrad', options: { rescal: 1 } };
    });
    return {
      name: 'a misspelled weighting option',
      args,
      code: 2,
      says: [cfg, 'field "train.weighting.options.rescal"', 'did you mean "rescale"?'],
    };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.model.architecture.type = 'mmeo';
    });
    return {
      name: 'an unknown architecture',
      args,
      code: 2,
      says: [cfg, 'field "model.architecture.type": unknown architecture "mmeo"; did you mean "mmoe"?'],
    };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.model.trunk.type = 'transformer';
    });
    return { name: 'an unknown trunk', args, code: 2, says: [cfg, 'field "model.trunk.type": unknown trunk "transformer"; known: '] };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.tasks[0].type = 'binar';
    });
    return {
      name: 'an unknown task type',
      args,
      code: 2,
      says: [cfg, 'field "tasks[0].type": unknown task type "binar"; did you mean "binary"?'],
    };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.tasks[0].head.type = 'mpl';
    });
    return { name: 'an unknown head', args, code: 2, says: [cfg, 'field "tasks[0].head.type": unknown head "mpl"; did you mean "mlp"?'] };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.tasks[0].metrics = ['acu'];
    });
    return {
      name: 'an unknown metric',
      args,
      code: 2,
      says: [cfg, 'field "tasks[0].metrics[0]": unknown metric "acu"; did you mean "auc"?'],
    };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.tasks[1].name = 'ctr';
    });
    return { name: 'duplicate task names', args, code: 2, says: [cfg, 'field "tasks[1].name": task name "ctr" is also tasks[0]\'s'] };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.train.optimizer.name = 'adagrad';
    });
    return { name: 'an unknown optimizer', args, code: 2, says: [cfg, 'field "train.optimizer.name"'] };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.train.optimizer.lr = -1;
    });
    return { name: 'a negative learning rate', args, code: 2, says: [cfg, 'field "train.optimizer.lr"'] };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.train.nonFinite = 'ignore';
    });
    return { name: 'an unknown nonFinite policy', args, code: 2, says: [cfg, 'field "train.nonFinite"'] };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.train.earlyStopping = { monitor: 'cvr/auc' };
    });
    return {
      name: 'a monitor on a task that does not exist',
      args,
      code: 2,
      says: [cfg, 'field "train.earlyStopping.monitor"', '"cvr" is not a task'],
    };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.train.earlyStopping = { monitor: 'ctr/acc' };
    });
    return {
      name: 'a monitor on a metric the task does not report',
      args,
      code: 2,
      says: [cfg, 'field "train.earlyStopping.monitor"', 'no metric "acc"'],
    };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.data.csv = { delimeter: ';' };
    });
    return {
      name: 'a misspelled CSV option',
      args,
      code: 2,
      says: [cfg, 'field "data.csv.delimeter": unknown field; did you mean "delimiter"?'],
    };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.data.labels.ctr.positives = ['1'];
    });
    return {
      name: 'a misspelled label option',
      args,
      code: 2,
      says: [cfg, 'field "data.labels.ctr.positives"', 'did you mean "positive"?'],
    };
  })(),
  (() => {
    const { cfg, args } = trainWith((c) => {
      c.data.features[0].minCont = 2;
    });
    return {
      name: 'a misspelled feature option',
      args,
      code: 2,
      says: [cfg, 'field "data.features[0].minCont"', 'did you mean "minCount"?'],
    };
  })(),
  (() => {
    const file = join(work, 'syntax.yaml');
    writeFileSync(file, 'seed: 1\ntasks:\n  - name: a\n model: [\n');
    return { name: 'a YAML syntax error', args: (out: string) => train(file, out), code: 2, says: [new RegExp(`${file}:\\d+`)] };
  })(),
  {
    name: 'a config file that does not exist',
    args: (out) => train(join(work, 'nope.yaml'), out),
    code: 2,
    says: ['cannot read config', join(work, 'nope.yaml')],
  },
];

const flagCases: Case[] = [
  {
    name: '--backend nonsense',
    args: (out) => train(config(), out, '--backend', 'nonsense'),
    code: 2,
    says: ["'nonsense' is invalid", 'wasm'],
  },
  {
    name: '--single-task bogus',
    args: (out) => train(config(), out, '--single-task', 'bogus'),
    code: 2,
    says: ['--single-task: "bogus" is not a task'],
  },
  { name: '--epochs 0', args: (out) => train(config(), out, '--epochs', '0'), code: 2, says: ['--epochs', 'positive integer'] },
  { name: '--seed abc', args: (out) => train(config(), out, '--seed', 'abc'), code: 2, says: ['--seed', 'integer'] },
  { name: 'train without --out', args: () => ['train', '--config', config()], code: 2, says: ["'--out <dir>' not specified"] },
  { name: 'an unknown command', args: () => ['fit', '--config', config()], code: 2, says: ["unknown command 'fit'"] },
  {
    name: '--resume with --overwrite',
    args: (out) => train(config(), out, '--resume', '--overwrite'),
    code: 2,
    says: ['--resume and --overwrite exclude each other'],
  },
  {
    name: '--resume with nothing to resume',
    args: (out) => train(config(), out, '--resume'),
    code: 2,
    says: ['--resume: ', 'has no checkpoint/'],
  },
];

const dataCases: Case[] = [
  csvCase('an empty training file', '', (f) => [f, 'no data rows']),
  csvCase('a header-only training file', `${HEADER}\n`, (f) => [f, 'no data rows']),
  csvCase(
    'a training file without a label column',
    `user_id,item_id,price,purchase\n${rows(5)
      .map((r) => r.replace(/,\d,(\d)$/, ',$1'))
      .join('\n')}\n`,
    (f) => [f, 'line 1, field "click": no such column'],
  ),
  csvCase('a value that is not a number', `${HEADER}\n${rows(3).join('\n')}\nu1,i1,cheap,0,0\n`, (f) => [
    `${f}, line 5, field "price": not a number: "cheap"`,
  ]),
  csvCase('a label that is not 0/1', `${HEADER}\n${rows(3).join('\n')}\nu1,i1,2.5,yes,0\n`, (f) => [
    `${f}, line 5, field "click": expected a 0/1 label, found "yes"`,
  ]),
  csvCase('a row with a missing field', `${HEADER}\n${rows(3).join('\n')}\nu1,i1,2.5,1\n`, (f) => [
    `${f}, line 5: expected 5 fields, found 4`,
  ]),
  csvCase('an unterminated quote', `${HEADER}\n${rows(3).join('\n')}\n"u1,i1,2.5,1,0\n`, (f) => [
    `${f}, line 5: unterminated quoted field`,
  ]),
  csvCase(
    'positive label values that never occur',
    `${HEADER}\n${rows(40).join('\n')}\n`,
    (f) => [f, 'field "click"', 'none of data.labels.ctr.positive ("clicked") occurs', /the column holds "[01]", "[01]"$/],
    (c) => {
      c.data.labels.ctr.positive = ['clicked'];
    },
  ),
  (() => {
    const cfg = config((c) => {
      c.data.root = join(work, 'no-such-folder');
    });
    return {
      name: 'a data folder that does not exist',
      args: (out: string) => train(cfg, out),
      code: 1,
      says: [join(work, 'no-such-folder', 'train.csv'), 'cannot read'],
    };
  })(),
];

describe('polytask-recsys: malformed input is a clear one-line error with the documented exit code', () => {
  for (const c of [...configCases, ...flagCases, ...dataCases]) {
    it(c.name, async () => {
      const out = freshOut();
      const run = await cli(...c.args(out));
      expect(run.code, run.stderr).toBe(c.code);
      const line = errorLine(run);
      for (const s of c.says) {
        if (typeof s === 'string') expect(line).toContain(s);
        else expect(line).toMatch(s);
      }
      // nothing is written before the config and data are known good
      expect(existsSync(out)).toBe(false);
    });
  }
});

describe('polytask-recsys: run folders, checkpoints and predict records', () => {
  const root = dataset('good');
  const cfg = config(() => {}, root);
  const run = join(work, 'run');
  const model = join(run, 'model');

  beforeAll(async () => {
    const trained = await cli(...train(cfg, run));
    expect(trained.code, trained.stderr).toBe(0);
  }, 120_000);

  /** A copy of the trained run folder to damage. */
  const copyRun = (name: string) => {
    const dir = join(work, name);
    cpSync(run, dir, { recursive: true });
    return dir;
  };

  it('train into a folder holding another run refuses, says how to continue or replace it, and changes nothing', async () => {
    const before = readFileSync(join(run, 'metrics.json'), 'utf8');
    const other = config((c) => {
      c.seed = 2;
    }, root);
    const refused = await cli(...train(other, run));
    expect(refused.code).toBe(2);
    expect(errorLine(refused)).toContain(`--out ${run} already holds a run (`);
    expect(errorLine(refused)).toContain('continue it with --resume, or replace it with --overwrite');
    expect(readFileSync(join(run, 'metrics.json'), 'utf8')).toBe(before);
  });

  it('--resume with another config or seed refuses and says what differs', async () => {
    const dir = copyRun('resume-other');
    const other = config((c) => {
      c.train.optimizer.lr = 0.02;
    }, root);
    const refused = await cli(...train(other, dir, '--resume'));
    expect(refused.code).toBe(2);
    expect(errorLine(refused)).toContain('was written by a different config (train.optimizer.lr: 0.01 → 0.02)');
    const seed = await cli(...train(cfg, dir, '--resume', '--seed', '7'));
    expect(seed.code).toBe(2);
    expect(errorLine(seed)).toContain('seed: 1 → 7');
  });

  it('a fresh run interrupted in its first epoch never resumes the old run it replaced (--overwrite clears it)', async () => {
    const dir = copyRun('overwrite');
    // leftovers of an interrupted folder write of the old run
    mkdirSync(join(dir, '.model.tmp-99999'));
    mkdirSync(join(dir, '.checkpoint.old-99999'));
    const other = config((c) => {
      c.seed = 3;
      c.train.epochs = 1;
    }, root);
    const replaced = await cli(...train(other, dir, '--overwrite'));
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    const state = JSON.parse(readFileSync(join(dir, 'checkpoint', 'state.json'), 'utf8'));
    expect(state.epoch).toBe(1);
    expect(state.run.seed).toBe(3);
    // the old run's checkpoint is gone: --resume with the old config refuses instead of reporting the old metrics
    const old = await cli(...train(cfg, dir, '--resume'));
    expect(old.code).toBe(2);
    expect(errorLine(old)).toMatch(/was written by a different config \(seed: 3 → 1/);
  });

  it('a truncated checkpoint names the file and what is wrong (exit 1)', async () => {
    const dir = copyRun('truncated');
    const weights = join(dir, 'checkpoint', 'weights.bin');
    truncateSync(weights, 1000);
    const resumed = await cli(...train(cfg, dir, '--resume'));
    expect(resumed.code).toBe(1);
    expect(errorLine(resumed)).toMatch(new RegExp(`${weights}: damaged: 1000 bytes, expected \\d+ \\(\\d+ float32 weights\\)`));
  });

  it('a corrupt checkpoint state names the file (exit 1)', async () => {
    const dir = copyRun('corrupt-state');
    const state = join(dir, 'checkpoint', 'state.json');
    writeFileSync(state, '{"epoch": 1, "step": ');
    const resumed = await cli(...train(cfg, dir, '--resume'));
    expect(resumed.code).toBe(1);
    expect(errorLine(resumed)).toContain(`${state}: damaged: not valid JSON`);
    writeFileSync(state, '{"epoch": "one"}');
    const wrong = await cli(...train(cfg, dir, '--resume'));
    expect(wrong.code).toBe(1);
    expect(errorLine(wrong)).toContain(`${state}: damaged: field "epoch"`);
  });

  it('a missing checkpoint file names the file (exit 1)', async () => {
    const dir = copyRun('missing-optimizer');
    const file = join(dir, 'checkpoint', 'optimizer.bin');
    rmSync(file);
    const resumed = await cli(...train(cfg, dir, '--resume'));
    expect(resumed.code).toBe(1);
    expect(errorLine(resumed)).toContain(`${file}: missing`);
  });

  it('a corrupt model.json names the file for eval and predict (exit 1)', async () => {
    const dir = copyRun('corrupt-model');
    const file = join(dir, 'model', 'model.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 200));
    const evaluated = await cli('eval', '--model', dir, '--data', root, '--out', freshOut());
    expect(evaluated.code).toBe(1);
    expect(errorLine(evaluated)).toContain(`${file}: damaged: not valid JSON`);
    const predicted = await cli('predict', '--model', dir, '--input', join(work, 'nothing.jsonl'));
    expect(predicted.code).toBe(1);
    expect(errorLine(predicted)).toContain(`${file}: damaged`);
    const wrongWeights = copyRun('short-weights');
    truncateSync(join(wrongWeights, 'model', 'weights.bin'), 8);
    const short = await cli('eval', '--model', wrongWeights, '--data', root, '--out', freshOut());
    expect(short.code).toBe(1);
    expect(errorLine(short)).toContain(`${join(wrongWeights, 'model', 'weights.bin')}: damaged: 8 bytes`);
  });

  it('--model of a folder without a model says so (exit 1)', async () => {
    const missing = await cli('predict', '--model', join(work, 'no-model'));
    expect(missing.code).toBe(1);
    expect(errorLine(missing)).toContain(`no saved model at ${join(work, 'no-model')}`);
  });

  it('a torn last line of history.jsonl (a crash mid-write) does not block a resume', async () => {
    const dir = join(work, 'torn');
    const oneEpoch = config((c) => {
      c.train.epochs = 1;
    }, root);
    expect((await cli(...train(oneEpoch, dir))).code).toBe(0);
    const history = join(dir, 'history.jsonl');
    const lines = readFileSync(history, 'utf8').trim().split('\n');
    writeFileSync(history, `${lines.join('\n')}\n{"type":"step","step":99,"lo`);
    const resumed = await cli(...train(oneEpoch, dir, '--resume'));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(history, 'utf8').trim().split('\n')).toEqual(lines);
  });

  it('predict answers each bad record with an error record (line, id) and predicts the others; exit 1', async () => {
    const input = join(work, 'records.jsonl');
    const records = [
      JSON.stringify({ id: 1, user_id: 'u1', item_id: 'i2', price: 3.5 }),
      '{"id": 2, "user_id": "u1", "price": ',
      '{"id": 3, "price": 1e999}',
      JSON.stringify({ id: 4, price: true }),
      JSON.stringify({ id: 5, item_id: { nested: 1 } }),
      JSON.stringify([1, 2]),
      JSON.stringify({ id: 7, user_id: 'u3', price: '4.5' }),
      JSON.stringify({ id: 8, price: 'NaN' }),
    ];
    writeFileSync(input, `${records.join('\n')}\n`);
    const predicted = await cli('predict', '--model', model, '--input', input);
    expect(predicted.code).toBe(1);
    expect(errorLine(predicted)).toContain('6 of 8 input lines failed');
    const out = predicted.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(8);
    expect(Object.keys(out[0]!)).toEqual(['id', 'ctr', 'ctcvr']);
    expect(Object.keys(out[6]!)).toEqual(['id', 'ctr', 'ctcvr']);
    expect(out[1]).toMatchObject({ line: 2, error: expect.stringContaining(`${input}, line 2: not valid JSON`) });
    expect(out[2]).toEqual({ id: 3, line: 3, error: `${input}:3, field "price": not a finite number: Infinity` });
    expect(out[3]).toEqual({ id: 4, line: 4, error: `${input}:4, field "price": expected a string or a number, found a boolean: true` });
    expect(out[4]).toMatchObject({
      id: 5,
      line: 5,
      error: expect.stringContaining('field "item_id": expected a string or a number, found an object'),
    });
    expect(out[5]).toEqual({ line: 6, error: `${input}:6: expected a JSON object of raw feature values` });
    expect(out[7]).toEqual({ id: 8, line: 8, error: `${input}:8, field "price": not a number: "NaN"` });
  });

  it('a diverging run stops with exit 1 naming the task, step and last finite values, and writes no model', async () => {
    const dir = freshOut();
    const diverging = config((c) => {
      c.train.optimizer = { name: 'sgd', lr: 1e10 };
    }, root);
    const diverged = await cli(...train(diverging, dir));
    expect(diverged.code).toBe(1);
    const line = errorLine(diverged);
    expect(line).toMatch(
      /training diverged at step \d+ \(epoch 1, batch \d+\): (task "(ctr|ctcvr)" loss is (NaN|Infinity)|the gradient is not finite)/,
    );
    expect(line).toMatch(/last finite losses \(step \d+\): ctr=/);
    expect(line).toContain('train.optimizer.lr (now 10000000000)');
    expect(existsSync(join(dir, 'model'))).toBe(false);
    expect(existsSync(join(dir, 'metrics.json'))).toBe(false);
  });

  it('a label constant in a split is a warning in the log and in metrics.json', async () => {
    const noPurchases = `${[HEADER, ...rows(30, 96).map((r) => r.replace(/,1$/, ',0'))].join('\n')}\n`;
    const constRoot = dataset('constant-valid', { valid: noPurchases, test: noPurchases });
    const dir = freshOut();
    const trained = await cli(
      ...train(
        config(() => {}, constRoot),
        dir,
      ),
    );
    expect(trained.code, trained.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    const validFile = join(constRoot, 'valid.csv');
    expect(metrics.warnings).toContain(
      `split "valid": label "ctcvr" is 0 in all 30 labelled samples (${validFile}, field "purchase"): it measures nothing there`,
    );
    expect(metrics.warnings).toContain(
      'task "ctcvr": metric "auc" cannot be computed on split "test" (no labelled sample, or a single class); written as null',
    );
    expect(metrics.tasks.ctcvr.auc).toBeNull();
    expect(trained.stderr).toContain('warning: split "valid": label "ctcvr" is 0');
  });

  it('a file with a title line and comment lines reads with csv.skipLines and csv.comment', async () => {
    const titled = (r: string[]) =>
      `Impressions export, 2026-12-01\n# generated\n${HEADER}\n${r.join('\n')}\n# end of file: ${r.length} rows\n`;
    const titledRoot = dataset('titled', { train: titled(rows(96)), valid: titled(rows(30, 96)), test: titled(rows(30, 126)) });
    const dir = freshOut();
    const trained = await cli(
      ...train(
        config((c) => {
          c.data.csv = { skipLines: 1, comment: '#' };
        }, titledRoot),
        dir,
      ),
    );
    expect(trained.code, trained.stderr).toBe(0);
    const plain = await cli(
      ...train(
        config(() => {}, titledRoot),
        freshOut(),
      ),
    );
    expect(plain.code).toBe(1);
    expect(errorLine(plain)).toContain(join(titledRoot, 'train.csv'));
  });
});
