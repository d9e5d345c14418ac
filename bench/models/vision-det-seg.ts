import * as tf from '@tensorflow/tfjs';
import { BatchNorm } from '../../packages/core/src/nn/batch-norm.js';
import { Conv2d } from '../../packages/core/src/nn/conv2d.js';
import type { ForwardContext, Parameter } from '../../packages/core/src/nn/module.js';
import { Rng } from '../../packages/core/src/util/rng.js';
import { trainingStep, type Workload } from '../common.js';

export interface DetSegConfig {
  batch: number;
  image_size: number;
  channels: number[];
  neck_channels: number;
  seg_classes: number;
  det_classes: number;
  objects_per_image: number;
  optimizer: { lr: number };
}

const TRAIN: ForwardContext = { training: true };

/** conv (no bias) + BatchNorm + ReLU, PyTorch's padding 1 for the 3×3 kernels. */
class Cbr {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;
  constructor(name: string, i: number, o: number, stride: number, rng: Rng) {
    this.conv = new Conv2d(`${name}/conv`, i, o, rng, { kernelSize: 3, stride, padding: 1, useBias: false });
    this.bn = new BatchNorm(`${name}/bn`, o);
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.relu(this.bn.apply(this.conv.apply(x), TRAIN)) as tf.Tensor4D;
  }
  parameters(): Parameter[] {
    return [...this.conv.parameters(), ...this.bn.parameters()];
  }
}

/** vision_det_seg.py in NHWC: conv backbone, FPN-lite neck to stride 4, seg head (CE), heatmap (focal), box (masked L1). */
export function build(cfg: DetSegConfig): Workload {
  const rng = new Rng(0);
  const { batch: B, image_size: S, channels: C, neck_channels: N } = cfg;
  const R = S / 4;
  const stem = new Cbr('detseg/stem', 3, C[0]!, 2, rng);
  const stages = C.slice(0, -1).map((c, i) => [
    new Cbr(`detseg/stage_${i}/down`, c, C[i + 1]!, 2, rng),
    new Cbr(`detseg/stage_${i}/same`, C[i + 1]!, C[i + 1]!, 1, rng),
  ]);
  const lateral = C.slice(1).map((c, i) => new Conv2d(`detseg/lateral_${i}`, c, N, rng, { kernelSize: 1 }));
  const smooth = new Cbr('detseg/smooth', N, N, 1, rng);
  const head = (name: string, out: number) => [
    new Conv2d(`${name}/conv`, N, N, rng, { kernelSize: 3, padding: 1, activation: 'relu' }),
    new Conv2d(`${name}/out`, N, out, rng, { kernelSize: 1 }),
  ];
  const seg = head('detseg/seg', cfg.seg_classes);
  const heat = head('detseg/heat', cfg.det_classes);
  const box = head('detseg/box', 4);
  const params = [stem, ...stages.flat(), ...lateral, smooth, ...seg, ...heat, ...box].flatMap((m) => m.parameters());

  // Inputs and targets, as in the reference (NHWC).
  const x = tf.randomNormal([B, S, S, 3], 0, 1, 'float32', 1);
  const segY = tf.oneHot(tf.randomUniform([B * S * S], 0, cfg.seg_classes, 'int32', 2), cfg.seg_classes);
  const heatData = new Float32Array(B * R * R * cfg.det_classes).map(() => rng.next() * 0.9);
  const boxMaskData = new Float32Array(B * R * R);
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < cfg.objects_per_image; k++) {
      const i = (b * 7 + k * 5) % R;
      const j = (b * 3 + k * 11) % R;
      heatData[((b * R + i) * R + j) * cfg.det_classes + (k % cfg.det_classes)] = 1;
      boxMaskData[(b * R + i) * R + j] = 1;
    }
  }
  const heatY = tf.tensor4d(heatData, [B, R, R, cfg.det_classes]);
  const pos = tf.cast(tf.equal(heatY, 1), 'float32');
  const negWeight = tf.mul(tf.pow(tf.sub(1, heatY), 4), tf.sub(1, pos));
  const numPos = tf.maximum(tf.sum(pos), 1);
  const boxY = tf.randomUniform([B, R, R, 4], 0, 1, 'float32', 3);
  const boxMask = tf.tensor4d(boxMaskData, [B, R, R, 1]);
  const maskSum = tf.sum(boxMask);

  const runHead = (h: Conv2d[], p: tf.Tensor4D) => h[1]!.apply(h[0]!.apply(p));
  const up2 = (t: tf.Tensor4D) => tf.image.resizeNearestNeighbor(t, [t.shape[1] * 2, t.shape[2] * 2]);

  const work = trainingStep(params, cfg.optimizer.lr, () => {
    let h = stem.apply(x as tf.Tensor4D);
    const feats: tf.Tensor4D[] = [];
    for (const st of stages) {
      h = st[1]!.apply(st[0]!.apply(h));
      feats.push(h);
    }
    let p = lateral[lateral.length - 1]!.apply(feats[feats.length - 1]!);
    for (let i = feats.length - 2; i >= 0; i--) p = tf.add(up2(p), lateral[i]!.apply(feats[i]!));
    p = smooth.apply(p);
    const segLogits = tf.image.resizeBilinear(runHead(seg, p), [S, S], false, true);
    const segLoss = tf.losses.softmaxCrossEntropy(segY, tf.reshape(segLogits, [B * S * S, cfg.seg_classes]));
    // CenterNet focal loss (α 2, β 4).
    const prob = tf.clipByValue(tf.sigmoid(runHead(heat, p)), 1e-4, 1 - 1e-4);
    const pl = tf.sum(tf.mul(tf.mul(tf.log(prob), tf.square(tf.sub(1, prob))), pos));
    const nl = tf.sum(tf.mul(tf.mul(tf.log(tf.sub(1, prob)), tf.square(prob)), negWeight));
    const focal = tf.div(tf.neg(tf.add(pl, nl)), numPos);
    const boxLoss = tf.div(tf.sum(tf.mul(tf.abs(tf.sub(runHead(box, p), boxY)), boxMask)), maskSum);
    return tf.addN([segLoss, focal, boxLoss]) as tf.Scalar;
  });
  return {
    ...work,
    dispose() {
      work.dispose();
      tf.dispose([x, segY, heatY, pos, negWeight, numPos, boxY, boxMask, maskSum]);
    },
  };
}
