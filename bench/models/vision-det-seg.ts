import {
  BatchNorm,
  Conv2d,
  createModel,
  createTask,
  type ForwardContext,
  type Head,
  type HeadBuildContext,
  headRegistry,
  heatmapFocalLoss,
  InMemoryDataset,
  type Inputs,
  type Parameter,
  Rng,
  type TaskSpec,
  type Trunk,
  type TrunkBuildContext,
  trunkRegistry,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import type { Workload } from '../common.js';
import { jointWorkload } from './joint-workload.js';

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

/** conv (no bias) + BatchNorm + ReLU (one fused op where the native kernels are), PyTorch's padding 1 for the 3×3 kernels. */
class Cbr {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;
  constructor(name: string, i: number, o: number, stride: number, rng: Rng) {
    this.conv = new Conv2d(`${name}/conv`, i, o, rng, { kernelSize: 3, stride, padding: 1, useBias: false });
    this.bn = new BatchNorm(`${name}/bn`, o);
  }
  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return this.bn.applyRelu(this.conv.apply(x), ctx) as tf.Tensor4D;
  }
  parameters(): Parameter[] {
    return [...this.conv.parameters(), ...this.bn.parameters()];
  }
}

/** The shared trunk: stride-2 stem, per stage a stride-2 and a stride-1 conv+BN+ReLU, FPN-lite top-down neck to stride 4. */
class DetSegBackbone implements Trunk {
  readonly outputShape: number[];
  private readonly stem: Cbr;
  private readonly stages: Cbr[][];
  private readonly lateral: Conv2d[];
  private readonly smooth: Cbr;

  constructor(cfg: DetSegConfig, ctx: TrunkBuildContext) {
    const { channels: C, neck_channels: N } = cfg;
    const rng = ctx.rng;
    this.stem = new Cbr(`${ctx.name}/stem`, 3, C[0]!, 2, rng);
    this.stages = C.slice(0, -1).map((c, i) => [
      new Cbr(`${ctx.name}/stage_${i}/down`, c, C[i + 1]!, 2, rng),
      new Cbr(`${ctx.name}/stage_${i}/same`, C[i + 1]!, C[i + 1]!, 1, rng),
    ]);
    this.lateral = C.slice(1).map((c, i) => new Conv2d(`${ctx.name}/lateral_${i}`, c, N, rng, { kernelSize: 1 }));
    this.smooth = new Cbr(`${ctx.name}/smooth`, N, N, 1, rng);
    const r = cfg.image_size / 4;
    this.outputShape = [r, r, N];
  }

  apply(inputs: Inputs, ctx: ForwardContext): tf.Tensor {
    let h = this.stem.apply(inputs.image as tf.Tensor4D, ctx);
    const feats: tf.Tensor4D[] = [];
    for (const [down, same] of this.stages) {
      h = same!.apply(down!.apply(h, ctx), ctx);
      feats.push(h);
    }
    const up2 = (t: tf.Tensor4D) => tf.image.resizeNearestNeighbor(t, [t.shape[1] * 2, t.shape[2] * 2]);
    let p = this.lateral[this.lateral.length - 1]!.apply(feats[feats.length - 1]!);
    for (let i = feats.length - 2; i >= 0; i--) p = tf.add(up2(p), this.lateral[i]!.apply(feats[i]!));
    return this.smooth.apply(p, ctx);
  }

  parameters(): Parameter[] {
    return [this.stem, ...this.stages.flat(), ...this.lateral, this.smooth].flatMap((m) => m.parameters());
  }
}

/** conv3×3 + ReLU → conv1×1 to the task's channels, optionally upsampled (bilinear, half-pixel) to `upsample`. */
class ConvHead implements Head {
  private readonly hidden: Conv2d;
  private readonly out: Conv2d;
  private readonly upsample: number | undefined;

  constructor(options: Record<string, unknown>, ctx: HeadBuildContext) {
    const n = ctx.inputShape[ctx.inputShape.length - 1]!;
    this.hidden = new Conv2d(`${ctx.name}/conv`, n, n, ctx.rng, { kernelSize: 3, padding: 1, activation: 'relu' });
    this.out = new Conv2d(`${ctx.name}/out`, n, ctx.outputUnits, ctx.rng, { kernelSize: 1 });
    this.upsample = options.upsample as number | undefined;
  }

  apply(features: tf.Tensor): tf.Tensor {
    const y = this.out.apply(this.hidden.apply(features as tf.Tensor4D));
    return this.upsample ? tf.image.resizeBilinear(y, [this.upsample, this.upsample], false, true) : y;
  }

  parameters(): Parameter[] {
    return [...this.hidden.parameters(), ...this.out.parameters()];
  }
}

/**
 * CenterNet focal loss (α 2, β 4) on heatmap logits against a Gaussian-splatted target with peaks of exactly 1, as
 * core computes it (the reference's formula from the logits; it clamps p to [1e-4, 1 − 1e-4] instead, which differs
 * only where p saturates).
 */
function heatmapTask(classes: number): TaskSpec {
  return {
    name: 'heatmap',
    head: { type: 'bench-conv', options: {}, outputUnits: classes },
    loss: (out, t) => heatmapFocalLoss(out, t.labels!),
    activate: (out) => tf.sigmoid(out),
    decode: () => [],
    createMetrics: () => [],
  };
}

/** Box sizes regressed with L1 at object centres only (the position mask). */
function boxTask(): TaskSpec {
  return {
    name: 'box',
    head: { type: 'bench-conv', options: {}, outputUnits: 4 },
    loss: (out, t) => tf.div(tf.sum(tf.mul(tf.abs(tf.sub(out, t.labels!)), t.positionMask!)), tf.sum(t.positionMask!)) as tf.Scalar,
    activate: (out) => out,
    decode: () => [],
    createMetrics: () => [],
  };
}

trunkRegistry.register('bench-det-seg-backbone', (options, ctx) => new DetSegBackbone(options as unknown as DetSegConfig, ctx));
headRegistry.register('bench-conv', (options, ctx) => new ConvHead(options, ctx));

/**
 * vision_det_seg.py on core's public API, as a vision domain builds it (NHWC): a backbone + neck trunk, hard sharing,
 * a per-pixel segmentation task (cross-entropy, head upsampled to the input size), a heatmap task (focal) and a box
 * task (masked L1); losses summed (EW).
 */
export function build(cfg: DetSegConfig): Workload {
  const rng = new Rng(0);
  const { batch: B, image_size: S } = cfg;
  const R = S / 4;
  const heat = new Float32Array(B * R * R * cfg.det_classes).map(() => rng.next() * 0.9);
  const centres = new Float32Array(B * R * R);
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < cfg.objects_per_image; k++) {
      const i = (b * 7 + k * 5) % R;
      const j = (b * 3 + k * 11) % R;
      heat[((b * R + i) * R + j) * cfg.det_classes + (k % cfg.det_classes)] = 1;
      centres[(b * R + i) * R + j] = 1;
    }
  }
  const image = tf.randomNormal([B, S, S, 3], 0, 1, 'float32', 1);
  const segLabels = tf.randomUniform([B, S, S], 0, cfg.seg_classes, 'int32', 2);
  const boxes = tf.randomUniform([B, R, R, 4], 0, 1, 'float32', 3);
  const data = new InMemoryDataset({
    inputs: { image: { data: image.dataSync() as Float32Array, shape: [S, S, 3] } },
    labels: {
      segmentation: { data: segLabels.dataSync() as Int32Array, shape: [S, S] },
      heatmap: { data: heat, shape: [R, R, cfg.det_classes] },
      box: { data: boxes.dataSync() as Float32Array, shape: [R, R, 4] },
    },
  });
  tf.dispose([image, segLabels, boxes]);
  const batch = data.gather(Array.from({ length: B }, (_, i) => i));
  const boxMask = tf.tensor4d(centres, [B, R, R, 1]);
  const segmentation = createTask({
    name: 'segmentation',
    type: 'multiclass',
    classes: cfg.seg_classes,
    head: { type: 'bench-conv', options: { upsample: S } },
  });
  const tasks = [segmentation, heatmapTask(cfg.det_classes), boxTask()];
  const trunk = { type: 'bench-det-seg-backbone', options: { ...cfg } };
  const model = createModel({ trunk, architecture: { type: 'hard' }, seed: 0 }, tasks, data.spec);
  return jointWorkload(model, { ...batch, positionMasks: { box: boxMask } }, cfg.optimizer.lr);
}
