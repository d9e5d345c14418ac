import * as tf from '@tensorflow/tfjs';
import { convGeometry, im2col } from './conv-geometry.js';
import { tensorAccess } from './tensor-access.js';

interface BackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: string;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * Conv2DBackpropFilter for backends that lack it (wasm): dW[K, cout] = im2col(x)ᵀ · dy, with the im2col matrix built
 * in JS straight into the backend's memory and the product done by the backend's own BatchMatMul kernel (XNNPACK on
 * wasm). Cost: one pass over the im2col matrix plus one GEMM, i.e. proportional to the data.
 */
export function conv2dBackpropFilterKernel(backendName: string, kind: string): tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const a = attrs as unknown as BackpropFilterAttrs;
      const access = tensorAccess(backend, kind);
      if (!access) throw new Error(`Conv2DBackpropFilter: unsupported backend ${backendName}`);
      const g = convGeometry(x.shape, a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, a.dataFormat);
      if (!g) throw new Error('Conv2DBackpropFilter: only NHWC (channelsLast) is supported on this backend');
      const K = g.fh * g.fw * g.cin;
      const M = g.n * g.oh * g.ow;
      const matMul = tf.getKernel('BatchMatMul', backendName);
      const reshape = tf.getKernel('Reshape', backendName);
      if (!matMul || !reshape) throw new Error(`Conv2DBackpropFilter: backend ${backendName} lacks BatchMatMul/Reshape`);
      const col = access.makeOutput([1, M, K], 'float32');
      im2col(g, access.view(x) as Float32Array, access.view(col) as Float32Array);
      const dy3 = reshape.kernelFunc({ inputs: { x: dy }, backend, attrs: { shape: [1, M, g.cout] } }) as tf.TensorInfo;
      const prod = matMul.kernelFunc({
        inputs: { a: col, b: dy3 },
        backend,
        attrs: { transposeA: true, transposeB: false },
      }) as tf.TensorInfo;
      const out = reshape.kernelFunc({ inputs: { x: prod }, backend, attrs: { shape: a.filterShape } }) as tf.TensorInfo;
      access.dispose(col);
      access.dispose(dy3);
      access.dispose(prod);
      return out;
    },
  };
}
