import {
  activatedHead,
  BinaryOptions,
  binaryCrossEntropy,
  createMetrics,
  createTask,
  type KindConfig,
  type MetricSpec,
  productOfSigmoids,
  TaskConfig,
  type TaskSpec,
  taskKind,
  taskRegistry,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import { USER_INPUT } from '../datasets/load.js';

type ParsedTask = KindConfig<typeof BinaryOptions>;

/** Metrics of a recsys binary task: AUC and logloss, plus GAUC (grouped by `user_id`) when a user column is set. */
export function recsysMetrics(withUser: boolean): MetricSpec[] {
  return withUser ? ['auc', 'logloss', { name: 'gauc', options: { groupInput: USER_INPUT } }] : ['auc', 'logloss'];
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

const decodeProbabilities = (p: tf.Tensor): number[] => Array.from(p.dataSync(), round);

/**
 * ESMM's CVR: owns the `cvr` head (a logit), has NO loss — it is never supervised directly; it is trained only
 * through the CTCVR product. Predicted as sigmoid(logit) and scored with its label's mask (clicked impressions).
 */
export function esmmCvrTask(c: ParsedTask): TaskSpec {
  const metrics = c.metrics ?? ['auc', 'logloss'];
  return {
    name: c.name,
    label: c.label,
    head: { type: c.head.type, options: c.head.options, outputUnits: 1 },
    activate: (out) => tf.sigmoid(out.reshape([-1])),
    exportOutput: activatedHead('sigmoid'),
    decode: decodeProbabilities,
    createMetrics: () => createMetrics(metrics),
  };
}

/**
 * ESMM's CTCVR: no head of its own; pCTCVR = sigmoid(ctr logit) · sigmoid(cvr logit), trained with binary
 * cross-entropy on that probability over all impressions (label: conversion).
 */
export function esmmCtcvrTask(c: ParsedTask, heads: { ctr: string; cvr: string } = { ctr: 'ctr', cvr: 'cvr' }): TaskSpec {
  const metrics = c.metrics ?? ['auc', 'logloss'];
  return {
    name: c.name,
    label: c.label,
    inputs: [heads.ctr, heads.cvr],
    combine: ([ctr, cvr]) => tf.tidy(() => tf.mul(tf.sigmoid(ctr!.reshape([-1])), tf.sigmoid(cvr!.reshape([-1])))),
    loss: (p, t) => {
      if (!t.labels) throw new Error(`task "${c.name}": the batch has no labels`);
      return binaryCrossEntropy(p, t.labels, t.mask);
    },
    activate: (p) => p.reshape([-1]),
    exportOutput: productOfSigmoids, // the same product as stock Activation(sigmoid) ×2 → Multiply
    decode: decodeProbabilities,
    createMetrics: () => createMetrics(metrics),
  };
}

taskRegistry.register('esmm-cvr', taskKind(BinaryOptions, esmmCvrTask));
taskRegistry.register(
  'esmm-ctcvr',
  taskKind(BinaryOptions, (c) => esmmCtcvrTask(c)),
);

const BINARY_KINDS = new Set(['binary', 'esmm-cvr', 'esmm-ctcvr']);

export interface TaskBuildOptions {
  /** A user column is configured: binary tasks also report GAUC. */
  readonly user?: boolean;
  /** Heads the `esmm-ctcvr` task multiplies. */
  readonly esmm?: { ctr: string; cvr: string };
}

/**
 * Tasks of a recsys run: core task kinds through the task registry, ESMM's `esmm-cvr` / `esmm-ctcvr`, and the
 * recsys default metrics for binary tasks that name none.
 */
export function buildTasks(configs: readonly z.input<typeof TaskConfig>[], options: TaskBuildOptions = {}): TaskSpec[] {
  return configs.map((raw) => {
    const parsed = TaskConfig.parse(raw);
    const c =
      BINARY_KINDS.has(parsed.type) && parsed.metrics === undefined ? { ...parsed, metrics: recsysMetrics(Boolean(options.user)) } : parsed;
    if (c.type === 'esmm-cvr') return esmmCvrTask(c as ParsedTask);
    if (c.type === 'esmm-ctcvr') return esmmCtcvrTask(c as ParsedTask, options.esmm);
    return createTask(c);
  });
}
