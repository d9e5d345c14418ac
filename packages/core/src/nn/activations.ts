import * as tf from '@tensorflow/tfjs';

export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'gelu';

export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softmax':
      return tf.softmax(x);
    case 'gelu':
      // tanh approximation, as in BERT
      return tf.tidy(() =>
        tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))),
      );
  }
}
