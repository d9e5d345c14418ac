// Data-parallel training over MPI equals one process: `mpirun -np 2` and `-np 4` (loopback, oversubscribed) of
// `polytask-recsys train` on a census-income slice end with the parameters of the one-process run on the same global
// batch (1e-5) and write the same metrics.json, for a loss method (EW), a parameter-mode gradient method (PCGrad) and a
// representation-mode one (GradDrop). A killed rank fails the job; `--resume` then finishes where an uninterrupted
// run does. Needs `mpirun` and the built @polytask/mpi addon (scripts/setup.sh installs and builds both) and
// ../shared/datasets/census-income-kdd.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { runDomainCli } from '@polytask/cli';
import { loadMpi } from '@polytask/mpi';
import { recsysDomain } from '@polytask/recsys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const APP = resolve(import.meta.dirname, '..');
const REPO = resolve(APP, '../..');
const CENSUS = resolve(REPO, '../shared/datasets/census-income-kdd');
const hasMpirun = spawnSync('mpirun', ['--version']).status === 0;
const ready = existsSync(CENSUS) && hasMpirun && loadMpi() !== null;
const work = mkdtempSync(join(tmpdir(), 'recsys-mpi-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// 3,003 rows → 2,402 training rows: 9 full global batches of 256 and a last one of 98, split 49/49 over 2 ranks and
// 25/25/24/24 over 4 (uneven shards, so the per-rank loss shares matter).
const ROWS = 3003;
const EPOCHS = 3;
const METHODS = { EW: 'loss', PCGrad: 'parameters', GradDrop: 'representation' } as const;
type Method = keyof typeof METHODS;

function writeConfig(method: Method): string {
  const file = join(work, `${method}.yaml`);
  const mode = METHODS[method] === 'loss' ? '' : `\n  gradientMode: ${METHODS[method]}`;
  writeFileSync(
    file,
    `seed: 1
data: { preset: census-income-kdd, root: ${join(work, 'data')} }
tasks:
  - { name: income, type: binary, head: { type: mlp, options: { units: [16] } } }
  - { name: never_married, type: binary, head: { type: mlp, options: { units: [16] } } }
model:
  trunk: { type: embedding, options: { embeddingDim: 4 } }
  architecture: { type: mmoe, options: { experts: 2, expertUnits: [16] } }
train:
  epochs: ${EPOCHS}
  batchSize: 256
  optimizer: { name: adam, lr: 0.01 }
  weighting: { name: ${method} }${mode}
`,
  );
  return file;
}

const MPIRUN = ['--allow-run-as-root', '--oversubscribe', '--mca', 'btl', 'self,vader'];

function mpiTrain(np: number, config: string, out: string, extra: string[] = []): { child: ChildProcess; done: Promise<Run> } {
  const args = [...MPIRUN, '-np', String(np), process.execPath, '--conditions=@polytask/source', '--import', 'tsx'];
  args.push(join(APP, 'src/main.ts'), 'train', '--config', config, '--out', out, ...extra);
  const child = spawn('mpirun', args, { cwd: REPO, env: { ...process.env, POLYTASK_LOG: 'info' } });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += String(d);
  });
  child.stdout!.resume();
  const done = new Promise<Run>((res) => child.on('close', (code) => res({ code, stderr: () => stderr })));
  return { child, done };
}

interface Run {
  code: number | null;
  stderr: () => string;
}

const floats = (file: string): Float32Array => {
  const b = readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const maxDiff = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
};
interface Metrics {
  tasks: Record<string, Record<string, number>>;
  losses: Record<string, number>;
  bestEpoch: number;
  epochs: number;
  split: string;
  ranks?: number;
}
const metrics = (out: string) => JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Metrics;

/** Same final parameters (last and best), optimizer state and reported metrics as the one-process run. */
function expectSameRun(out: string, reference: string, ranks: number) {
  for (const file of ['checkpoint/weights.bin', 'model/weights.bin', 'checkpoint/optimizer.bin']) {
    expect(maxDiff(floats(join(out, file)), floats(join(reference, file))), file).toBeLessThan(1e-5);
  }
  const got = metrics(out);
  const want = metrics(reference);
  expect(got.ranks).toBe(ranks);
  expect([got.split, got.epochs, got.bestEpoch]).toEqual([want.split, want.epochs, want.bestEpoch]);
  for (const [task, values] of Object.entries(want.tasks)) {
    for (const [name, v] of Object.entries(values)) expect(Math.abs(got.tasks[task]![name]! - v), `${task}/${name}`).toBeLessThan(1e-5);
    expect(Math.abs(got.losses[task]! - want.losses[task]!)).toBeLessThan(1e-5);
  }
}

describe.skipIf(!ready)('polytask-recsys train under mpirun', () => {
  const configs = {} as Record<Method, string>;
  const single = (m: Method) => join(work, `one-${m}`);

  beforeAll(async () => {
    const rows = gunzipSync(readFileSync(join(CENSUS, 'census-income.test.gz')))
      .toString('utf8')
      .split('\n')
      .slice(0, ROWS);
    execFileSync('mkdir', ['-p', join(work, 'data')]);
    writeFileSync(join(work, 'data', 'census-income.test.gz'), gzipSync(`${rows.join('\n')}\n`));
    for (const m of Object.keys(METHODS) as Method[]) {
      configs[m] = writeConfig(m);
      const code = await runDomainCli(recsysDomain, ['node', 'polytask-recsys', 'train', '--config', configs[m], '--out', single(m)]);
      expect(code).toBe(0);
    }
  }, 300_000);

  it.each([
    [2, 'EW'],
    [2, 'PCGrad'],
    [2, 'GradDrop'],
    [4, 'EW'],
    [4, 'PCGrad'],
    [4, 'GradDrop'],
  ] as Array<[number, Method]>)('-np %i, %s: the one-process parameters and metrics.json', { timeout: 180_000 }, async (np, method) => {
    const out = join(work, `np${np}-${method}`);
    const run = await mpiTrain(np, configs[method], out).done;
    expect(run.code, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(new RegExp(`data parallel: ${np} ranks over MPI \\(mpirun\\)`));
    expectSameRun(out, single(method), np);
    const history = readFileSync(join(out, 'history.jsonl'), 'utf8').trim().split('\n');
    expect(history.length).toBe(
      readFileSync(join(single(method), 'history.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
    ); // rank 0 alone writes
  });

  it('a killed rank fails the job; --resume with the same world size ends where an uninterrupted run does', {
    timeout: 300_000,
  }, async () => {
    const out = join(work, 'killed');
    const first = mpiTrain(2, configs.EW, out);
    // Kill rank 1 once the first epoch's checkpoint exists (training is then in epoch 2).
    const killed = await new Promise<number>((res, rej) => {
      const timer = setInterval(() => {
        const state = join(out, 'checkpoint', 'state.json');
        if (!existsSync(state)) return;
        const pid = rankPid(first.child.pid!, 1);
        if (pid === undefined) return;
        clearInterval(timer);
        process.kill(pid, 'SIGKILL');
        res(JSON.parse(readFileSync(state, 'utf8')).epoch as number);
      }, 25);
      first.done.then(() => {
        clearInterval(timer);
        rej(new Error('training ended before a rank could be killed'));
      });
    });
    expect(killed).toBeLessThan(EPOCHS);
    const failed = await first.done;
    expect(failed.code).not.toBe(0);
    expect(existsSync(join(out, 'metrics.json'))).toBe(false);
    const state = JSON.parse(readFileSync(join(out, 'checkpoint', 'state.json'), 'utf8'));
    expect(state.ranks).toEqual([
      { rank: 0, worldSize: 2, samples: 0 },
      { rank: 1, worldSize: 2, samples: 0 },
    ]); // checkpointed at an epoch end: both ranks at the start of the next epoch
    const resumed = await mpiTrain(2, configs.EW, out, ['--resume']).done;
    expect(resumed.code, resumed.stderr()).toBe(0);
    expectSameRun(out, single('EW'), 2);
  });

  it('SIGUSR1 to mpirun checkpoints mid-epoch and exits 130; --resume on another world size ends at the same parameters', {
    timeout: 300_000,
  }, async () => {
    const out = join(work, 'usr1');
    const first = mpiTrain(2, configs.EW, out);
    await new Promise<void>((res, rej) => {
      const timer = setInterval(() => {
        if (!existsSync(join(out, 'checkpoint', 'state.json'))) return;
        clearInterval(timer);
        first.child.kill('SIGUSR1'); // mpirun forwards it to every rank
        res();
      }, 25);
      first.done.then(() => {
        clearInterval(timer);
        rej(new Error('training ended before it could be stopped'));
      });
    });
    const stopped = await first.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr()).toMatch(/interrupted at step \d+; continue with the same command and --resume/);
    const state = JSON.parse(readFileSync(join(out, 'checkpoint', 'state.json'), 'utf8'));
    expect(state.batchInEpoch).toBeGreaterThan(0); // the ranks agreed on a step inside an epoch
    expect(state.ranks).toEqual([0, 1].map((rank) => ({ rank, worldSize: 2, samples: state.batchInEpoch * 128 })));
    const resumed = await mpiTrain(4, configs.EW, out, ['--resume']).done;
    expect(resumed.code, resumed.stderr()).toBe(0);
    expectSameRun(out, single('EW'), 4);
  });
});

/** The pid of world rank `rank` among mpirun's children (read from each child's environment). */
function rankPid(mpirun: number, rank: number): number | undefined {
  const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(mpirun)], { encoding: 'utf8' })
    .stdout.trim()
    .split(/\s+/)
    .map(Number);
  return children.find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`OMPI_COMM_WORLD_RANK=${rank}`);
    } catch {
      return false;
    }
  });
}
