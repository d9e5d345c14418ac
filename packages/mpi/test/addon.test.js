import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectLaunch, limitThreadsPerRank, loadFailure, loadMpi, threadsPerRank } from '../index.js';

const mpirun = spawnSync('mpirun', ['--version'], { encoding: 'utf8' }).status === 0;
const built = loadMpi() !== null;
const rankScript = fileURLToPath(new URL('./collectives-rank.js', import.meta.url));
const transports = {
  'shared memory': ['--mca', 'btl', 'self,vader'],
  'TCP on loopback': ['--mca', 'btl', 'self,tcp', '--mca', 'btl_tcp_if_include', 'lo', '--mca', 'oob_tcp_if_include', 'lo'],
};

describe('@polytask/mpi', () => {
  it('is built where MPI is installed', () => {
    if (mpirun && process.env.POLYTASK_SKIP_NATIVE !== '1') expect(loadFailure()).toBeNull();
  });

  it.runIf(mpirun && built).each([
    [2, 'shared memory'],
    [4, 'shared memory'],
    [2, 'TCP on loopback'],
  ])('collectives on %i ranks over %s', { timeout: 60_000 }, (np, transport) => {
    const res = spawnSync(
      'mpirun',
      ['--allow-run-as-root', '--oversubscribe', '-np', String(np), ...transports[transport], process.execPath, rankScript],
      { encoding: 'utf8', timeout: 50_000 },
    );
    expect(res.stderr).not.toMatch(/rank \d+:/);
    expect(res.status).toBe(0);
    const lines = res.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.rank).sort()).toEqual(Array.from({ length: np }, (_, i) => i));
    for (const l of lines) {
      expect(l.size).toBe(np);
      expect(l.localSize).toBe(np);
      // Ranks other than the last waited ~500 ms in barrierAsync with a 10 ms timer running: a blocked event loop
      // would count 0 or 1 (intervals do not catch up); a loaded machine coalesces some, so not all 50.
      if (l.rank !== np - 1) expect(l.ticks).toBeGreaterThanOrEqual(3);
    }
  });

  it('detects the launcher from its environment', () => {
    expect(detectLaunch({})).toBeNull();
    expect(
      detectLaunch({
        OMPI_COMM_WORLD_SIZE: '4',
        OMPI_COMM_WORLD_RANK: '2',
        OMPI_COMM_WORLD_LOCAL_SIZE: '2',
        OMPI_COMM_WORLD_LOCAL_RANK: '0',
      }),
    ).toEqual({ launcher: 'mpirun', size: 4, rank: 2, localSize: 2, localRank: 0 });
    expect(detectLaunch({ PMI_SIZE: '3', PMI_RANK: '1' })).toMatchObject({ launcher: 'pmi', size: 3, rank: 1, localSize: 1 });
    // srun: per-node task counts in Slurm's compressed form, this node = SLURM_NODEID.
    expect(
      detectLaunch({
        SLURM_STEP_NUM_TASKS: '6',
        SLURM_PROCID: '5',
        SLURM_STEP_TASKS_PER_NODE: '4,2',
        SLURM_NODEID: '1',
        SLURM_LOCALID: '1',
      }),
    ).toEqual({ launcher: 'srun', size: 6, rank: 5, localSize: 2, localRank: 1 });
    expect(detectLaunch({ SLURM_STEP_NUM_TASKS: '8', SLURM_STEP_TASKS_PER_NODE: '4(x2)', SLURM_NODEID: '0' })).toMatchObject({
      localSize: 4,
    });
    // sbatch's own shell is no launch (no step variables).
    expect(detectLaunch({ SLURM_NTASKS: '8', SLURM_PROCID: '0' })).toBeNull();
  });

  it('gives each rank of a machine its share of the cores, keeping what the user set', () => {
    expect(threadsPerRank(2, 16)).toBe(8);
    expect(threadsPerRank(3, 16)).toBe(5);
    expect(threadsPerRank(4, 2)).toBe(1);
    const env = { OMP_NUM_THREADS: '3' };
    expect(limitThreadsPerRank(2, env, 8)).toBe(4);
    expect(env).toEqual({ OMP_NUM_THREADS: '3', OPENBLAS_NUM_THREADS: '4', POLYTASK_THREADS: '4', ONEDNN_NUM_THREADS: '4' });
    const chosen = { POLYTASK_THREADS: '2' };
    expect(limitThreadsPerRank(4, chosen, 64)).toBe(2);
    expect(chosen.OPENBLAS_NUM_THREADS).toBe('2');
  });
});
