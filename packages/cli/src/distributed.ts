import { type Collective, DataParallel, logInfo, setLogLevel, UsageError } from '@polytask/core';

export type DistributedMode = 'auto' | 'mpi' | 'none';

/** A data-parallel run's communicator, as the train command uses it. */
export interface Distributed {
  readonly dataParallel: DataParallel;
  readonly rank: number;
  readonly size: number;
  /** MPI_Finalize on every rank after the last collective. */
  finalize(): Promise<void>;
}

interface MpiModule {
  detectLaunch(): { launcher: string; size: number; localSize: number } | null;
  limitThreadsPerRank(localRanks: number): number;
  loadFailure(): string | null;
  MpiCollective: { init(): Promise<Collective & { localSize: number; finalize(): Promise<void> }> };
}

export function parseDistributedMode(value: string): DistributedMode {
  if (value === 'auto' || value === 'mpi' || value === 'none') return value;
  throw new UsageError(`--distributed: expected mpi, none or auto, got "${value}"`);
}

async function mpiModule(): Promise<MpiModule | null> {
  try {
    return (await import('@polytask/mpi')) as MpiModule;
  } catch {
    return null;
  }
}

/** True when this process was started by mpirun / srun / another PMI launcher (no MPI library needed to tell). */
function launchedByMpi(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['OMPI_COMM_WORLD_SIZE', 'PMI_SIZE', 'PMIX_RANK', 'SLURM_STEP_NUM_TASKS'].some((k) => env[k] !== undefined);
}

/**
 * Starts data-parallel training when asked (`--distributed mpi`) or when launched by mpirun/srun (`auto`), before the
 * backend loads: each rank gets its share of the machine's cores for the native kernels, MPI is initialised, and the
 * ranks other than 0 stop logging. Returns undefined for a one-process run.
 */
export async function startDistributed(mode: DistributedMode): Promise<Distributed | undefined> {
  if (mode === 'none' || (mode === 'auto' && !launchedByMpi())) return undefined;
  const mpi = await mpiModule();
  if (!mpi) throw new UsageError('--distributed mpi needs @polytask/mpi (an optional dependency of @polytask/cli); it is not installed');
  const failure = mpi.loadFailure();
  if (failure) throw new UsageError(`--distributed mpi: @polytask/mpi cannot load: ${failure}`);
  const launch = mpi.detectLaunch();
  const threads = mpi.limitThreadsPerRank(launch?.localSize ?? 1);
  const collective = await mpi.MpiCollective.init();
  if (collective.rank !== 0) setLogLevel('silent');
  logInfo(
    `data parallel: ${collective.size} rank${collective.size === 1 ? '' : 's'} over MPI (${launch?.launcher ?? 'singleton'}), ` +
      `${collective.localSize} on this machine, ${threads} native thread${threads === 1 ? '' : 's'} each`,
  );
  return {
    dataParallel: new DataParallel(collective),
    rank: collective.rank,
    size: collective.size,
    finalize: () => collective.finalize(),
  };
}
