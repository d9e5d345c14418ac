export {
  ADAM_UPDATE,
  BATCH_NORM_TRAIN,
  BATCH_NORM_TRAIN_GRAD,
  BLAS_KERNELS,
  type BlasRegistration,
  HEATMAP_FOCAL_LOSS,
  hasOneDnn,
  LSTM_BACKWARD,
  LSTM_FORWARD,
  type NativeKernels,
  openblasOnly,
  registerBlasKernels,
  SPARSE_SOFTMAX_CE,
} from './blas-kernels.js';
export { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
export { backendKind, registerMissingKernels } from './missing-kernels.js';
export { loadNativeKernels, type NativeLoad } from './native.js';
export {
  BACKEND_NAMES,
  type BackendInfo,
  type BackendName,
  EMBEDDED_DEFAULT,
  resetBackendSelection,
  type SelectBackendOptions,
  selectBackend,
} from './select-backend.js';
export { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';
