export { CrossStitchUnit, CUSTOM_LAYERS, FieldOffset, GeluTanh, MaskedMean } from './custom-layers.js';
export {
  EXPORT_MANIFEST,
  type ExportedOutput,
  type ExportManifest,
  type ExportRequest,
  exportFormatRegistry,
  exportTfjsLayers,
  type LayersExport,
  type ModelExporter,
  toLayersModel,
} from './export-model.js';
export {
  type ArchitectureExporter,
  architectureExporterRegistry,
  type HeadExporter,
  headExporterRegistry,
  type TrunkExporter,
  trunkExporterRegistry,
} from './exporters.js';
export { type ExportedInput, ExportGraph, kerasName } from './graph.js';
export { folderLoadHandler } from './load-folder.js';
export {
  batchNormLayer,
  biLstmLayer,
  concatenate,
  conv2dLayers,
  denseLayer,
  fieldEmbeddingLayers,
  lstmLayer,
  mlpLayers,
  reshape,
} from './nn-layers.js';
export { activatedHead, productOfSigmoids, type TaskExportContext } from './task-outputs.js';
