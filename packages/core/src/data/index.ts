export { type CollateOptions, collateSamples, type HostTensor, type Sample } from './collate.js';
export { type Column, ColumnBuilder, columnLength, columnWidth, gatherRows } from './columns.js';
export { type Batch, type BatchOptions, type Dataset, disposeBatch } from './dataset.js';
export { InMemoryDataset, type InMemoryDatasetParts, splitIndices } from './in-memory-dataset.js';
export {
  concatRagged,
  gatherRagged,
  type Ragged,
  type RaggedTargets,
  raggedCount,
  raggedFromRows,
  raggedLength,
  raggedRow,
} from './ragged.js';
export { epochBatchCount, epochOrder, shardSize } from './sample-order.js';
export { StreamingDataset, type StreamingDatasetOptions } from './streaming-dataset.js';
