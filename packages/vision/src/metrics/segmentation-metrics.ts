import { included, type Metric, type MetricBuildContext, type MetricInput, readMask } from '@polytask/core';

/** A K×K pixel confusion matrix (rows: truth, columns: prediction) over labelled pixels. */
export class PixelConfusion {
  readonly counts: Float64Array;

  constructor(readonly classes: number) {
    this.counts = new Float64Array(classes * classes);
  }

  /** Adds the argmax of probabilities [B, H, W, K] against labels [B, H, W] (−1 = ignored), samples the mask keeps. */
  add(input: MetricInput, metric: string): void {
    const { predictions, labels } = input;
    if (!labels) throw new Error(`metric "${metric}": needs pixel labels`);
    const k = predictions.shape[predictions.rank - 1]!;
    if (k !== this.classes) throw new Error(`metric "${metric}": predictions have ${k} classes, expected ${this.classes}`);
    const probs = predictions.dataSync();
    const truth = labels.dataSync();
    const batch = labels.shape[0]!;
    const perSample = truth.length / batch;
    const mask = readMask(metric, input.mask, batch);
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i]!;
      if (t < 0 || !included(mask, Math.floor(i / perSample))) continue;
      let best = 0;
      for (let c = 1; c < k; c++) if (probs[i * k + c]! > probs[i * k + best]!) best = c;
      this.counts[t * k + best]! += 1;
    }
  }

  /** IoU of class c = TP / (TP + FP + FN); NaN when the class is in neither truth nor prediction. */
  iou(c: number): number {
    const k = this.classes;
    let row = 0;
    let column = 0;
    for (let j = 0; j < k; j++) {
      row += this.counts[c * k + j]!;
      column += this.counts[j * k + c]!;
    }
    const tp = this.counts[c * k + c]!;
    const union = row + column - tp;
    return union === 0 ? Number.NaN : tp / union;
  }

  accuracy(): number {
    let correct = 0;
    let total = 0;
    for (let c = 0; c < this.classes; c++) correct += this.counts[c * this.classes + c]!;
    for (const v of this.counts) total += v;
    return total === 0 ? Number.NaN : correct / total;
  }
}

function classCount(metric: string, options: Record<string, unknown> | undefined, context: MetricBuildContext): number {
  const k = typeof options?.classes === 'number' ? options.classes : context.classNames?.length;
  if (!k) throw new Error(`metric "${metric}": needs the class names (or options.classes)`);
  return k;
}

/** Mean IoU over the classes present in truth or prediction, and `iou/<class>` each; unlabeled pixels ignored. */
export function createMeanIou(options?: Record<string, unknown>, context: MetricBuildContext = {}): Metric<Record<string, number>> {
  const k = classCount('miou', options, context);
  let confusion = new PixelConfusion(k);
  return {
    name: 'miou',
    direction: 'max',
    update: (input) => confusion.add(input, 'miou'),
    result() {
      const ious = Array.from({ length: k }, (_, c) => confusion.iou(c));
      const present = ious.filter((v) => !Number.isNaN(v));
      const out: Record<string, number> = { miou: present.length === 0 ? Number.NaN : present.reduce((a, b) => a + b, 0) / present.length };
      ious.forEach((v, c) => {
        if (!Number.isNaN(v)) out[`iou/${context.classNames?.[c] ?? c}`] = v;
      });
      return out;
    },
    reset() {
      confusion = new PixelConfusion(k);
    },
  };
}

/** Share of labelled pixels whose predicted class is right. */
export function createPixelAccuracy(options?: Record<string, unknown>, context: MetricBuildContext = {}): Metric<number> {
  const k = classCount('pixel_accuracy', options, context);
  let confusion = new PixelConfusion(k);
  return {
    name: 'pixel_accuracy',
    direction: 'max',
    update: (input) => confusion.add(input, 'pixel_accuracy'),
    result: () => confusion.accuracy(),
    reset() {
      confusion = new PixelConfusion(k);
    },
  };
}
