/** The native binding (build/Release/polytask_mpi.node). */
export interface MpiBinding {
  init(): MpiInfo;
  initAsync(): Promise<MpiInfo>;
  allreduceSum<T extends Float32Array | Float64Array | Int32Array>(values: T): T;
  allreduceSumAsync<T extends Float32Array | Float64Array | Int32Array>(values: T): Promise<T>;
  broadcast<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(values: T, root: number): T;
  broadcastAsync<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(values: T, root: number): Promise<T>;
  barrier(): void;
  barrierAsync(): Promise<void>;
  allgather(values: Float32Array): Float32Array;
  finalize(): void;
  abort(code: number): never;
}

export interface MpiInfo {
  readonly rank: number;
  readonly size: number;
  /** Rank and count of the ranks on this machine (MPI_COMM_TYPE_SHARED). */
  readonly localRank: number;
  readonly localSize: number;
  /** MPI_THREAD_* level granted. */
  readonly threadLevel: number;
  /** MPI_Get_library_version, first line. */
  readonly library: string;
}

export interface MpiLaunch {
  readonly launcher: 'mpirun' | 'pmi' | 'pmix' | 'srun';
  readonly size: number;
  readonly rank: number;
  readonly localSize: number;
  readonly localRank: number;
}

export function loadMpi(): MpiBinding | null;
export function loadFailure(): string | null;
export function detectLaunch(env?: Record<string, string | undefined>): MpiLaunch | null;
export function threadsPerRank(localRanks: number, cores?: number): number;
export function limitThreadsPerRank(localRanks: number, env?: Record<string, string | undefined>, cores?: number): number;

export declare class MpiCollective {
  readonly rank: number;
  readonly size: number;
  readonly localRank: number;
  readonly localSize: number;
  readonly library: string;
  static init(): Promise<MpiCollective>;
  allreduceSum<T extends Float32Array | Float64Array>(values: T): T;
  allreduceMean<T extends Float32Array | Float64Array>(values: T): T;
  allreduceSumAsync<T extends Float32Array | Float64Array>(values: T): Promise<T>;
  allreduceMeanAsync<T extends Float32Array | Float64Array>(values: T): Promise<T>;
  allgather(values: Float32Array): Float32Array;
  broadcast<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(values: T, root?: number): T;
  broadcastAsync<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(values: T, root?: number): Promise<T>;
  barrier(): void;
  barrierAsync(): Promise<void>;
  finalize(): Promise<void>;
  abort(code?: number): never;
}
