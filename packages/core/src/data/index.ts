export { type Column, ColumnBuilder, columnLength, columnWidth, gatherRows } from './columns.js';
export { type Batch, type BatchOptions, type Dataset, disposeBatch } from './dataset.js';
export { InMemoryDataset, type InMemoryDatasetParts, splitIndices } from './in-memory-dataset.js';
