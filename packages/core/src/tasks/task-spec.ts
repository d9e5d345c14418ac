import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/dataset.js';
import type { RaggedTargets } from '../data/ragged.js';
import type { TaskExportContext } from '../export/task-outputs.js';
import type { Metric } from '../metrics/metric.js';
import type { Parameter } from '../nn/module.js';

/** Which head a task owns, when it owns one. */
export interface HeadSpec {
  /** Registry name of the head ('mlp' by default). */
  readonly type: string;
  readonly options?: Record<string, unknown>;
  /** Width of the head's logits (per position for per-position tasks). */
  readonly outputUnits: number;
}

/** What one task's loss and metrics see of a batch. */
export interface TaskTargets {
  /** Dense labels of any rank ([B], [B, C], [B, T], [B, H, W]); absent for tasks with ragged targets only. */
  readonly labels?: tf.Tensor;
  /** Per-sample [B] mask: 1 = the sample carries this task's label. */
  readonly mask?: tf.Tensor;
  /** Per-position mask of the labels' shape: 1 = a real position, 0 = padding. */
  readonly positionMask?: tf.Tensor;
  /** Variable-length targets (boxes + classes, spans), on the host. */
  readonly ragged?: RaggedTargets;
  /** Samples in the batch. */
  readonly size: number;
}

/**
 * One task: what it predicts, how it is scored and trained. Independent of the architecture (what is shared)
 * and of the weighting (how tasks combine).
 */
export interface TaskSpec {
  readonly name: string;
  /** The head this task owns (named like the task). Absent when the task only reads other tasks' heads. */
  readonly head?: HeadSpec;
  /** Heads whose outputs the task reads, in order; default [name]. */
  readonly inputs?: readonly string[];
  /** Turns head outputs into the task output (ESMM: pCTR × pCVR). Default: the first head's output. */
  combine?(headOutputs: tf.Tensor[]): tf.Tensor;
  /**
   * Masked mean loss over the batch's kept samples and positions. Dense training targets that come from ragged ones
   * (heatmaps from boxes) are derived here, per batch. Absent: the task is predicted and scored, never trained on.
   */
  loss?(output: tf.Tensor, targets: TaskTargets): tf.Scalar;
  /** Output → what metrics and predictions read (probabilities, values, emission scores). */
  activate(output: tf.Tensor): tf.Tensor;
  /**
   * Activated predictions of a batch → one JSON-ready value per sample. May run a search (Viterbi, NMS) and return
   * structured values (tag sequences, spans, boxes); `positionMask` says which positions are real.
   */
  decode(predictions: tf.Tensor, context?: DecodeContext): unknown[];
  /** Fresh metric instances (one set per evaluation pass). */
  createMetrics(): Metric[];
  /**
   * Parameters the task itself owns (a CRF's transition matrix), used by its loss, activation or decode. They are
   * trained with the task's head (only its own gradient), checkpointed, restored and counted like head parameters.
   */
  parameters?(): Parameter[];
  /** Key of the labels (and masks, ragged targets) in a batch; default the task name. */
  readonly label?: string;

  // --- Keras export (packages/core/src/export) ---
  /**
   * `combine` then `activate` as tfjs layers on the heads' symbolic logits: what the exported model outputs for this
   * task (`predict`'s values). Its last layer is named `ctx.outputName`. Absent: the task cannot be exported.
   */
  exportOutput?(heads: tf.SymbolicTensor[], ctx: TaskExportContext): tf.SymbolicTensor;
}

export interface DecodeContext {
  /** Per-position mask of the batch ([B, T]): decode only the real positions. */
  readonly positionMask?: tf.Tensor;
}

export function taskHeads(task: TaskSpec): readonly string[] {
  return task.inputs ?? [task.name];
}

export function taskLabelKey(task: TaskSpec): string {
  return task.label ?? task.name;
}

export function isSupervised(task: TaskSpec): boolean {
  return task.loss !== undefined;
}

/** The task's view of a batch; undefined when the batch carries none of its targets. */
export function taskTargets(task: TaskSpec, batch: Batch): TaskTargets | undefined {
  const key = taskLabelKey(task);
  const labels = batch.labels[key];
  const ragged = batch.ragged?.[key];
  if (!labels && !ragged) return undefined;
  return { labels, mask: batch.masks[key], positionMask: batch.positionMasks?.[key], ragged, size: batch.size };
}

/**
 * The 0/1 weight of every label position: the per-sample mask broadcast over the positions times the per-position
 * mask; undefined when neither exists. Shape: the labels' shape (or [B] for per-sample labels).
 */
export function keptPositions(targets: TaskTargets, labelShape: readonly number[]): tf.Tensor | undefined {
  const { mask, positionMask } = targets;
  if (!mask && !positionMask) return undefined;
  return tf.tidy(() => {
    const sample = mask ? broadcastSampleMask(mask, labelShape) : undefined;
    const position = positionMask ? positionMask.reshape(labelShape as number[]) : undefined;
    return sample && position ? tf.mul(sample, position) : (sample ?? position)!;
  });
}

/** A per-sample mask [B] broadcast to labels [B, ...]. */
function broadcastSampleMask(mask: tf.Tensor, labelShape: readonly number[]): tf.Tensor {
  if (labelShape.length <= 1) return mask.reshape(labelShape as number[]);
  const perSample = labelShape.slice(1);
  return tf.mul(mask.reshape([labelShape[0]!, ...perSample.map(() => 1)]), tf.ones(labelShape as number[]));
}
