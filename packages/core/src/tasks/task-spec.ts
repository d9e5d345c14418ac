import type * as tf from '@tensorflow/tfjs';
import type { TaskExportContext } from '../export/task-outputs.js';
import type { Metric } from '../metrics/metric.js';

/** Which head a task owns, when it owns one. */
export interface HeadSpec {
  /** Registry name of the head ('mlp' by default). */
  readonly type: string;
  readonly options?: Record<string, unknown>;
  /** Width of the head's logits. */
  readonly outputUnits: number;
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
  /** Masked mean loss over the batch. Absent: the task is predicted and scored, never trained on directly. */
  loss?(output: tf.Tensor, labels: tf.Tensor, mask?: tf.Tensor): tf.Scalar;
  /** Output → what metrics and predictions read (probabilities, values). */
  activate(output: tf.Tensor): tf.Tensor;
  /** Activated predictions of a batch → one JSON-ready value per sample. */
  decode(predictions: tf.Tensor): unknown[];
  /** Fresh metric instances (one set per evaluation pass). */
  createMetrics(): Metric[];
  /** Key of the labels (and mask) in a batch; default the task name. */
  readonly label?: string;

  // --- Keras export (packages/core/src/export) ---
  /**
   * `combine` then `activate` as tfjs layers on the heads' symbolic logits: what the exported model outputs for this
   * task (`predict`'s values). Its last layer is named `ctx.outputName`. Absent: the task cannot be exported.
   */
  exportOutput?(heads: tf.SymbolicTensor[], ctx: TaskExportContext): tf.SymbolicTensor;
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
