import * as tf from '@tensorflow/tfjs';

/**
 * A 'same'-length 1-D convolution as shifted windows + one matMul: x [N, W, C] with filter [k, C, F] (tfjs conv1d
 * layout) → [N, W, F]. Numerically tf.conv1d's result, but its backward pass is a GEMM (tfjs' Conv2DBackpropFilter
 * runs in JS here, several times slower on the small char and token convolutions of a text trunk).
 */
export function sameConv1d(x: tf.Tensor3D, filter: tf.Tensor3D, dilation = 1): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, w, c] = x.shape;
    const [k, , f] = filter.shape;
    const reach = (k - 1) * dilation;
    const left = Math.floor(reach / 2);
    const padded = tf.pad(x, [
      [0, 0],
      [left, reach - left],
      [0, 0],
    ]);
    const windows = Array.from({ length: k }, (_, j) => tf.slice(padded, [0, j * dilation, 0], [n, w, c]));
    const stacked = k === 1 ? windows[0]! : tf.concat(windows, 2);
    return tf.matMul(stacked.reshape([n * w, k * c]), filter.reshape([k * c, f])).reshape([n, w, f]) as tf.Tensor3D;
  });
}
