import * as tf from '@tensorflow/tfjs';

/**
 * The few tfjs-layers layers Polytask exports where no stock Keras layer fits. Each is registered under a
 * `Polytask>`-prefixed class name (the name Keras' `register_keras_serializable(package='Polytask')` gives a Python
 * twin), has a plain snake_case config and no closures. Importing this module (or `@polytask/core`, or the tiny
 * `@polytask/core/layers`) registers them, which `tf.loadLayersModel` needs before it reads an exported model.
 * Depends on tfjs alone, so it runs in a browser too.
 */

type Kwargs = tf.serialization.ConfigDict;
type Shape = (number | null)[];
/** Keras' common layer arguments (name, trainable, dtype, ...), which `fromConfig` hands back. */
type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

/**
 * A default layer name. tfjs derives one from the class name, which the `Polytask>` prefix makes an invalid tensor
 * name, so unnamed custom layers get `<base>_<n>` instead.
 */
let unnamed = 0;
function withName(args: LayerArgs, base: string): LayerArgs {
  return { ...args, name: args.name ?? `${base}_${++unnamed}` };
}

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

export interface FieldOffsetArgs {
  /** Row where each field's ids start in the shared table (field f = axis 1 index f). */
  offsets: number[];
  /** Added to every id first (1 for multi-valued fields: padding −1 lands on the field's own padding row). */
  shift?: number;
}

/**
 * int32 ids [B, F, ...] local to each field → rows of one shared embedding table: id + shift + offsets[f].
 * Lets one stock `Embedding` serve every field, as the training model's single gather does.
 */
export class FieldOffset extends tf.layers.Layer {
  static readonly className = 'Polytask>FieldOffset';
  readonly offsets: number[];
  readonly shift: number;

  constructor(args: FieldOffsetArgs & LayerArgs) {
    const { offsets: _o, shift: _s, ...layerArgs } = args;
    super(withName({ ...layerArgs, dtype: 'int32' }, 'field_offset'));
    this.offsets = [...args.offsets];
    this.shift = args.shift ?? 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = tf.cast(single(inputs), 'int32');
      const shape = ids.shape.map((_, i) => (i === 1 ? this.offsets.length : 1));
      return tf.add(
        ids,
        tf.tensor(
          this.offsets.map((o) => o + this.shift),
          shape,
          'int32',
        ),
      );
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  override getConfig(): Kwargs {
    return { ...super.getConfig(), offsets: this.offsets, shift: this.shift };
  }
}

/**
 * Mean pooling of multi-valued fields: [vectors [B, F, K, D], ids [B, F, K]] → [B, F, D], the mean over the K values
 * whose id is present (≥ 0; −1 pads), a zero vector for a field with none.
 */
export class MaskedMean extends tf.layers.Layer {
  static readonly className = 'Polytask>MaskedMean';

  constructor(args: LayerArgs = {}) {
    super(withName(args, 'masked_mean'));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [vectors, ids] = inputs as tf.Tensor[];
      const present = tf.cast(tf.greaterEqual(ids!, 0), 'float32'); // [B, F, K]
      const summed = tf.sum(tf.mul(vectors!, present.expandDims(3)), 2);
      const counts = tf.maximum(tf.sum(present, 2), 1).expandDims(2);
      return tf.div(summed, counts);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (inputShape as Shape[])[0]!;
    return [s[0]!, s[1]!, s[3]!];
  }
}

export interface CrossStitchUnitArgs {
  /** Number of columns T. */
  columns: number;
}

/**
 * A cross-stitch unit (Misra et al., 2016): T column activations [B, H] → T mixed ones, out_i = Σ_j kernel[i, j]·h_j,
 * with a learned T×T `kernel`. One input and one output per column.
 */
export class CrossStitchUnit extends tf.layers.Layer {
  static readonly className = 'Polytask>CrossStitchUnit';
  readonly columns: number;
  private kernel: tf.LayerVariable | undefined;

  constructor(args: CrossStitchUnitArgs & LayerArgs) {
    const { columns: _c, ...layerArgs } = args;
    super(withName(layerArgs, 'cross_stitch_unit'));
    this.columns = args.columns;
  }

  override build(): void {
    const t = this.columns;
    this.kernel = this.addWeight('kernel', [t, t], 'float32', tf.initializers.identity({ gain: 1 }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
    return tf.tidy(() => {
      const hs = inputs as tf.Tensor[];
      const [b, h] = hs[0]!.shape as [number, number];
      const stacked = tf.stack(hs, 0).reshape([this.columns, b * h]); // [T, B·H]
      return tf.unstack(tf.matMul(this.kernel!.read() as tf.Tensor2D, stacked as tf.Tensor2D).reshape([this.columns, b, h]), 0);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape[] {
    return inputShape as Shape[];
  }

  override getConfig(): Kwargs {
    return { ...super.getConfig(), columns: this.columns };
  }
}

/**
 * GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), Polytask's `gelu` (Keras:
 * `gelu(approximate=True)`). tfjs has it as the activation `gelu_new`, but that name does not survive its own
 * save/load (it comes back as `geluNew`), hence a layer.
 */
export class GeluTanh extends tf.layers.Layer {
  static readonly className = 'Polytask>GeluTanh';

  constructor(args: LayerArgs = {}) {
    super(withName(args, 'gelu_tanh'));
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
      return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }
}

/** Every custom layer class an export can contain, by registered class name. */
export const CUSTOM_LAYERS: readonly string[] = [
  FieldOffset.className,
  MaskedMean.className,
  CrossStitchUnit.className,
  GeluTanh.className,
];

for (const cls of [FieldOffset, MaskedMean, CrossStitchUnit, GeluTanh]) tf.serialization.registerClass(cls);
