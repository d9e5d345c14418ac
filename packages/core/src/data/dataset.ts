import * as tf from '@tensorflow/tfjs';
import type { DataSpec, Inputs } from '../trunk/trunk.js';
import type { RaggedTargets } from './ragged.js';

/** One training or evaluation batch. Tensors are owned by the consumer: call `disposeBatch` when done. */
export interface Batch {
  readonly inputs: Inputs;
  /** Dense labels by label key (usually the task name), of any rank: [B], [B, C], [B, T] tokens, [B, H, W] pixels. */
  readonly labels: Record<string, tf.Tensor>;
  /** Per-sample [B] masks by label key: 1 = the sample carries that label. Absent key = all labelled. */
  readonly masks: Record<string, tf.Tensor>;
  /**
   * Per-position masks by label key, of the labels' shape ([B, T], [B, H, W]): 1 = a real position, 0 = padding (or a
   * sub-word piece, an ignored pixel). A position contributes to a loss, a gradient or a metric only where both its
   * sample's mask and its position mask are 1 (and, for class labels, the label is not negative: the ignore index).
   */
  readonly positionMasks?: Record<string, tf.Tensor>;
  /** Variable-length targets by label key (boxes + classes, spans), on the host. */
  readonly ragged?: Record<string, RaggedTargets>;
  readonly size: number;
}

export interface BatchOptions {
  readonly batchSize: number;
  readonly shuffle?: boolean;
  /** The order of epoch e depends only on (seed, e): a resumed run replays the same order. */
  readonly seed?: number;
  readonly epoch?: number;
  /** This reader's share of the data in data-parallel training: every `count`-th sample from `index`. */
  readonly shard?: { readonly index: number; readonly count: number };
  /** Skip the first batches of the epoch (resuming mid-epoch). */
  readonly startBatch?: number;
  readonly dropRemainder?: boolean;
}

/**
 * A finite, re-iterable source of batches, synchronous (in memory) or asynchronous (read and decoded on the fly).
 * The batches of an epoch depend only on (seed, epoch, shard); `startBatch` resumes mid-epoch at the same batch.
 */
export interface Dataset {
  readonly size: number;
  readonly spec: DataSpec;
  batchCount(options: BatchOptions): number;
  batches(options: BatchOptions): Iterable<Batch> | AsyncIterable<Batch>;
}

export function disposeBatch(batch: Batch): void {
  tf.dispose([
    ...Object.values(batch.inputs),
    ...Object.values(batch.labels),
    ...Object.values(batch.masks),
    ...Object.values(batch.positionMasks ?? {}),
  ]);
}
