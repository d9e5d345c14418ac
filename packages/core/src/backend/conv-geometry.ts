import * as tf from '@tensorflow/tfjs';

/** NHWC convolution geometry in the argument order of the native conv kernels. */
export interface ConvGeometry {
  n: number;
  h: number;
  w: number;
  cin: number;
  oh: number;
  ow: number;
  cout: number;
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padTop: number;
  padLeft: number;
}

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

/** Geometry of a channels-last 2-D convolution, or null for layouts the fast kernels do not handle (NCHW). */
export function convGeometry(
  xShape: number[],
  filterShape: number[],
  strides: number | [number, number],
  dilations: number | [number, number],
  pad: Pad,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  dataFormat: string | undefined,
): ConvGeometry | null {
  if (dataFormat && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  return {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    cin: info.inChannels,
    oh: info.outHeight,
    ow: info.outWidth,
    cout: info.outChannels,
    fh: info.filterHeight,
    fw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    dh: info.dilationHeight,
    dw: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

export function geometryArgs(g: ConvGeometry): number[] {
  return [g.n, g.h, g.w, g.cin, g.oh, g.ow, g.cout, g.fh, g.fw, g.sh, g.sw, g.dh, g.dw, g.padTop, g.padLeft];
}

/** col[(b, oy, ox), (ky, kx, ci)] = x[b, oy·sh − pt + ky·dh, ox·sw − pl + kx·dw, ci] (0 outside): the im2col matrix. */
export function im2col(g: ConvGeometry, x: Float32Array, col: Float32Array): void {
  const K = g.fh * g.fw * g.cin;
  let row = 0;
  for (let b = 0; b < g.n; b++) {
    const img = b * g.h * g.w * g.cin;
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++, row++) {
        const dst = row * K;
        for (let ky = 0; ky < g.fh; ky++) {
          const iy = oy * g.sh - g.padTop + ky * g.dh;
          for (let kx = 0; kx < g.fw; kx++) {
            const ix = ox * g.sw - g.padLeft + kx * g.dw;
            const d = dst + (ky * g.fw + kx) * g.cin;
            if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) {
              col.fill(0, d, d + g.cin);
            } else {
              const s = img + (iy * g.w + ix) * g.cin;
              col.set(x.subarray(s, s + g.cin), d);
            }
          }
        }
      }
    }
  }
}
