// @polytask/mpi: MPI collectives for data-parallel training (see README.md). `loadMpi()` returns the native binding
// or null when the addon was not built (no MPI at install time, POLYTASK_SKIP_NATIVE=1); it never throws.

import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';

const require = createRequire(import.meta.url);
let cached;
let loadError = null;

export function loadMpi() {
  if (cached !== undefined) return cached;
  for (const p of ['./build/Release/polytask_mpi.node', './build/Debug/polytask_mpi.node']) {
    try {
      cached = require(p);
      loadError = null;
      return cached;
    } catch (e) {
      loadError = e;
    }
  }
  cached = null;
  return cached;
}

/** Why `loadMpi()` returned null. */
export function loadFailure() {
  loadMpi();
  if (!loadError) return null;
  const msg = String(loadError.message ?? loadError).split('\n')[0];
  return /Cannot find module/.test(msg) ? 'the addon is not built (needs libopenmpi-dev; npm run build:native)' : msg;
}

const int = (v) => {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/**
 * The MPI launch this process is part of, from the launcher's environment (before MPI is initialised), or null.
 * Open MPI's mpirun (OMPI_COMM_WORLD_*), MPICH/Hydra and Intel MPI (PMI_*), PMIx launchers, Slurm's srun (SLURM_STEP_*).
 */
export function detectLaunch(env = process.env) {
  const pick = (size, rank, localSize, localRank, launcher) => {
    const s = int(env[size]);
    if (s === undefined) return null;
    return {
      launcher,
      size: s,
      rank: Number(env[rank] ?? 0),
      localSize: int(env[localSize]) ?? 1,
      localRank: Number(env[localRank] ?? 0),
    };
  };
  return (
    pick('OMPI_COMM_WORLD_SIZE', 'OMPI_COMM_WORLD_RANK', 'OMPI_COMM_WORLD_LOCAL_SIZE', 'OMPI_COMM_WORLD_LOCAL_RANK', 'mpirun') ??
    pick('PMI_SIZE', 'PMI_RANK', 'MPI_LOCALNRANKS', 'MPI_LOCALRANKID', 'pmi') ??
    pick('PMIX_SIZE', 'PMIX_RANK', 'PMIX_LOCAL_SIZE', 'PMIX_LOCAL_RANK', 'pmix') ??
    slurmStep(env)
  );
}

function slurmStep(env) {
  // SLURM_STEP_NUM_TASKS is set inside an srun step only (not in the batch script that calls srun).
  const size = int(env.SLURM_STEP_NUM_TASKS);
  if (size === undefined) return null;
  const perNode = String(env.SLURM_STEP_TASKS_PER_NODE ?? '').split(',')[Number(env.SLURM_NODEID ?? 0)] ?? '';
  return {
    launcher: 'srun',
    size,
    rank: Number(env.SLURM_PROCID ?? 0),
    localSize: int(/^(\d+)/.exec(perNode)?.[1]) ?? 1,
    localRank: Number(env.SLURM_LOCALID ?? 0),
  };
}

/** Threads for each of `localRanks` processes on a machine with `cores` cores: max(1, floor(cores / localRanks)). */
export function threadsPerRank(localRanks, cores = availableParallelism()) {
  return Math.max(1, Math.floor(cores / Math.max(1, localRanks)));
}

const THREAD_VARIABLES = ['POLYTASK_THREADS', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'ONEDNN_NUM_THREADS'];

/**
 * Sets the native libraries' thread counts for this rank (OpenBLAS, OpenMP/oneDNN) so the ranks of one machine share
 * its cores instead of each taking all of them. A variable the user set is kept; POLYTASK_THREADS, when set, is the
 * count for the others. Call before the native kernels load (they read the variables once). Returns the count.
 */
export function limitThreadsPerRank(localRanks, env = process.env, cores = availableParallelism()) {
  const threads = int(env.POLYTASK_THREADS) ?? threadsPerRank(localRanks, cores);
  for (const name of THREAD_VARIABLES) if (env[name] === undefined || env[name] === '') env[name] = String(threads);
  return threads;
}

/**
 * One MPI communicator (MPI_COMM_WORLD). The blocking methods run on the calling thread (they are what the synchronous
 * training step needs); the `*Async` ones run on a libuv worker thread and keep the event loop free. Calls are
 * serialised: a blocking call while an asynchronous one is in flight throws (MPI_THREAD_SERIALIZED).
 */
export class MpiCollective {
  #mpi;
  #pending = Promise.resolve();
  #inFlight = 0;
  #finalized = false;

  constructor(mpi, info) {
    this.#mpi = mpi;
    this.rank = info.rank;
    this.size = info.size;
    this.localRank = info.localRank;
    this.localSize = info.localSize;
    this.library = info.library;
  }

  /** Initialises MPI (off the event loop) and returns the communicator; throws when the addon is not built. */
  static async init() {
    const mpi = loadMpi();
    if (!mpi) throw new Error(`@polytask/mpi: ${loadFailure()}`);
    return new MpiCollective(mpi, await mpi.initAsync());
  }

  #sync(fn) {
    if (this.#inFlight > 0) throw new Error('@polytask/mpi: a blocking call while an asynchronous one is in flight');
    if (this.#finalized) throw new Error('@polytask/mpi: MPI is finalized');
    return fn();
  }

  #async(fn) {
    const run = this.#pending.then(() => {
      if (this.#finalized) throw new Error('@polytask/mpi: MPI is finalized');
      return fn();
    });
    this.#inFlight += 1;
    const done = run.finally(() => {
      this.#inFlight -= 1;
    });
    this.#pending = done.catch(() => {});
    return done;
  }

  allreduceSum(values) {
    return this.#sync(() => this.#mpi.allreduceSum(values));
  }

  allreduceMean(values) {
    this.allreduceSum(values);
    for (let i = 0; i < values.length; i++) values[i] /= this.size;
    return values;
  }

  allreduceSumAsync(values) {
    return this.#async(() => this.#mpi.allreduceSumAsync(values));
  }

  async allreduceMeanAsync(values) {
    await this.allreduceSumAsync(values);
    for (let i = 0; i < values.length; i++) values[i] /= this.size;
    return values;
  }

  allgather(values) {
    return this.#sync(() => this.#mpi.allgather(values));
  }

  broadcast(values, root = 0) {
    return this.#sync(() => this.#mpi.broadcast(values, root));
  }

  broadcastAsync(values, root = 0) {
    return this.#async(() => this.#mpi.broadcastAsync(values, root));
  }

  barrier() {
    this.#sync(() => this.#mpi.barrier());
  }

  barrierAsync() {
    return this.#async(() => this.#mpi.barrierAsync());
  }

  /** Waits for pending asynchronous calls, then MPI_Finalize (every rank must call it before exiting). */
  async finalize() {
    await this.#pending;
    if (this.#finalized) return;
    this.#finalized = true;
    this.#mpi.finalize();
  }

  /** Ends every rank of the job with `code` (MPI_Abort). */
  abort(code = 1) {
    this.#mpi.abort(code);
  }
}
