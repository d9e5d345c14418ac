import { createMetrics, heatmapFocalLoss, type KindConfig, type TaskBuildContext, type TaskSpec, type TaskTargets } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { detectionExportOutput } from '../model/exporters.js';
import { centerNetTargets } from './centernet-targets.js';
import { type Detection, postProcess } from './nms.js';

export const DetectionOptions = z.strictObject({
  /** Number of object classes; default the data's detection classes. */
  classes: z.number().int().positive().optional(),
  /** Box regression loss at object centres: L1 on offset and log size, GIoU on the decoded box, or both. */
  boxLoss: z.enum(['l1', 'giou', 'l1+giou']).default('l1'),
  /** Weights of the regression terms against the heatmap focal loss. */
  offsetWeight: z.number().min(0).default(1),
  sizeWeight: z.number().min(0).default(1),
  giouWeight: z.number().min(0).default(1),
  /** Post-processing: peaks read from the heatmap, then score threshold, per-class NMS, detections kept. */
  candidates: z.number().int().positive().default(100),
  scoreThreshold: z.number().min(0).max(1).default(0.05),
  iouThreshold: z.number().min(0).max(1).default(0.5),
  maxDetections: z.number().int().positive().default(100),
});

/** CenterNet's heatmap prior: the bias −log((1 − 0.1) / 0.1) makes every heatmap start at probability 0.1. */
const HEATMAP_PRIOR_BIAS = -Math.log(9);

/** One detected object as `decode` returns it: box normalised to the network input (x1 y1 x2 y2). */
export type DecodedDetection = Detection;

/** Boxes (cx, cy, w, h in cells) from offset + log size at each cell of a [B, H, W, 4] map. */
function cellBoxes(regression: tf.Tensor4D): tf.Tensor4D {
  const [b, h, w] = regression.shape;
  const xs = tf.tile(tf.range(0, w).reshape([1, 1, w, 1]), [b, h, 1, 1]);
  const ys = tf.tile(tf.range(0, h).reshape([1, h, 1, 1]), [b, 1, w, 1]);
  const [dx, dy, lw, lh] = tf.split(regression, 4, 3);
  const cw = tf.exp(tf.minimum(lw!, 10));
  const ch = tf.exp(tf.minimum(lh!, 10));
  const cx = tf.add(xs, dx!);
  const cy = tf.add(ys, dy!);
  return tf.concat(
    [tf.sub(cx, tf.div(cw, 2)), tf.sub(cy, tf.div(ch, 2)), tf.add(cx, tf.div(cw, 2)), tf.add(cy, tf.div(ch, 2))],
    3,
  ) as tf.Tensor4D;
}

/** 1 − GIoU (Rezatofighi et al. 2019) of two [.., 4] x1 y1 x2 y2 maps, per position. */
export function giouLoss(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [ax1, ay1, ax2, ay2] = tf.split(a, 4, -1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const [bx1, by1, bx2, by2] = tf.split(b, 4, -1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const areaA = tf.mul(tf.relu(tf.sub(ax2, ax1)), tf.relu(tf.sub(ay2, ay1)));
    const areaB = tf.mul(tf.relu(tf.sub(bx2, bx1)), tf.relu(tf.sub(by2, by1)));
    const iw = tf.relu(tf.sub(tf.minimum(ax2, bx2), tf.maximum(ax1, bx1)));
    const ih = tf.relu(tf.sub(tf.minimum(ay2, by2), tf.maximum(ay1, by1)));
    const inter = tf.mul(iw, ih);
    const union = tf.add(tf.sub(tf.add(areaA, areaB), inter), 1e-7);
    const hull = tf.add(
      tf.mul(tf.sub(tf.maximum(ax2, bx2), tf.minimum(ax1, bx1)), tf.sub(tf.maximum(ay2, by2), tf.minimum(ay1, by1))),
      1e-7,
    );
    const giou = tf.sub(tf.div(inter, union), tf.div(tf.sub(hull, union), hull));
    return tf.sub(1, giou);
  });
}

type DetectionConfig = KindConfig<typeof DetectionOptions>;

/**
 * Peaks of activated detection maps [B, H, W, C + 4] (heatmap probabilities, then offset and log size) → per image
 * detections: the top `candidates` local maxima (3×3 max pooling), boxes decoded and normalised, then post-processed.
 */
export function decodeDetections(predictions: tf.Tensor, classes: number, options: z.infer<typeof DetectionOptions>): DecodedDetection[][] {
  const [batch, height, width] = predictions.shape as [number, number, number, number];
  const k = Math.min(options.candidates, height * width * classes);
  const [values, indices, regression] = tf.tidy(() => {
    const heat = predictions.slice([0, 0, 0, 0], [-1, -1, -1, classes]) as tf.Tensor4D;
    const pooled = tf.maxPool(heat, 3, 1, 'same');
    const peaks = tf.mul(heat, tf.cast(tf.equal(heat, pooled), 'float32')).reshape([batch, -1]);
    const top = tf.topk(peaks, k);
    return [top.values, top.indices, predictions.slice([0, 0, 0, classes], [-1, -1, -1, 4])];
  });
  const scores = values.dataSync();
  const where = indices.dataSync();
  const reg = regression.dataSync();
  tf.dispose([values, indices, regression]);
  return Array.from({ length: batch }, (_, b) => {
    const found: Detection[] = [];
    for (let j = 0; j < k; j++) {
      const score = scores[b * k + j]!;
      if (score < options.scoreThreshold) break; // topk is sorted
      const index = where[b * k + j]!;
      const classId = index % classes;
      const cell = (index - classId) / classes;
      const x = cell % width;
      const y = (cell - x) / width;
      const r = (b * height * width + cell) * 4;
      const cx = x + reg[r]!;
      const cy = y + reg[r + 1]!;
      const w = Math.exp(Math.min(reg[r + 2]!, 10));
      const h = Math.exp(Math.min(reg[r + 3]!, 10));
      const box = [(cx - w / 2) / width, (cy - h / 2) / height, (cx + w / 2) / width, (cy + h / 2) / height].map((v) =>
        Math.min(1, Math.max(0, v)),
      ) as [number, number, number, number];
      found.push({ box, classId, score });
    }
    return postProcess(found, options).map((d) => ({
      box: d.box.map(round6) as unknown as DecodedDetection['box'],
      classId: d.classId,
      score: round6(d.score),
    }));
  });
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** The detection loss of one batch: dense targets drawn from the ragged boxes, focal + box regression terms. */
function detectionLoss(c: DetectionConfig, classes: number, out: tf.Tensor, t: TaskTargets): tf.Scalar {
  if (!t.ragged) throw new Error(`task "${c.name}": the batch has no ragged boxes`);
  const [batch, height, width] = out.shape as [number, number, number, number];
  const sampleMask = t.mask?.dataSync();
  const targets = centerNetTargets(t.ragged, batch, height, width, classes, sampleMask);
  return tf.tidy(() => {
    const weight = sampleMask ? tf.tensor1d(Float32Array.from(sampleMask)) : undefined;
    const logits = out.slice([0, 0, 0, 0], [-1, -1, -1, classes]);
    const regression = out.slice([0, 0, 0, classes], [-1, -1, -1, 4]) as tf.Tensor4D;
    const heat = tf.tensor4d(targets.heatmap, [batch, height, width, classes]);
    const peaks = tf.tensor4d(targets.peaks, [batch, height, width, classes]);
    let loss: tf.Tensor = heatmapFocalLoss(logits, heat, { peaks, weight, count: targets.count });
    if (targets.count === 0) return loss as tf.Scalar;
    const centres = tf.tensor4d(targets.centres, [batch, height, width, 1]);
    const truth = tf.tensor4d(targets.regression, [batch, height, width, 4]);
    const n = targets.count;
    if (c.boxLoss !== 'giou') {
      const l1 = tf.mul(tf.abs(tf.sub(regression, truth)), centres);
      const [offset, size] = tf.split(l1, [2, 2], 3);
      loss = tf.add(loss, tf.div(tf.add(tf.mul(tf.sum(offset!), c.offsetWeight), tf.mul(tf.sum(size!), c.sizeWeight)), n));
    }
    if (c.boxLoss !== 'l1') {
      const g = giouLoss(cellBoxes(regression), cellBoxes(truth));
      loss = tf.add(loss, tf.mul(tf.div(tf.sum(tf.mul(g, centres)), n), c.giouWeight));
    }
    return loss as tf.Scalar;
  });
}

/**
 * Anchor-free detection, CenterNet style (Zhou et al., "Objects as Points"): per class a heatmap of object centres,
 * plus per cell the centre's offset and the box's log size. Targets come from the batch's ragged boxes inside the
 * loss; predictions decode to boxes through peak picking, per-class NMS, a score threshold and a cap per image.
 * Metrics default to COCO `map` (map, map50, map75, ap/<class>).
 */
export function detectionTask(c: DetectionConfig, context?: TaskBuildContext): TaskSpec {
  const classes = c.classes ?? context?.classNames?.length;
  if (!classes) throw new Error(`task "${c.name}" (detection): give "classes" or data with named detection classes`);
  // the common default head is 'mlp', which has no meaning on feature maps: dense tasks read a conv head
  const headType = c.head.type === 'mlp' ? 'conv' : c.head.type;
  const headOptions = { initialBias: Array.from({ length: classes }, () => HEATMAP_PRIOR_BIAS), ...c.head.options };
  const metrics = c.metrics ?? ['map'];
  return {
    name: c.name,
    label: c.label,
    head: { type: headType, options: headOptions, outputUnits: classes + 4 },
    loss: (out, t) => detectionLoss(c, classes, out, t),
    activate: (out) =>
      tf.tidy(() =>
        tf.concat([tf.sigmoid(out.slice([0, 0, 0, 0], [-1, -1, -1, classes])), out.slice([0, 0, 0, classes], [-1, -1, -1, 4])], 3),
      ),
    exportOutput: detectionExportOutput(classes), // Keras export
    decode: (p) => decodeDetections(p, classes, c),
    createMetrics: () => createMetrics(metrics, context),
  };
}
