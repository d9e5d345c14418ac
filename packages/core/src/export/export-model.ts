import * as tf from '@tensorflow/tfjs';
import type { ModelConfig, MultiTaskModel } from '../model/multi-task-model.js';
import type { DataSpec } from '../trunk/trunk.js';
import { Registry } from '../util/registry.js';
import { CUSTOM_LAYERS } from './custom-layers.js';
import { architectureExporterRegistry, headExporterRegistry, trunkExporterRegistry } from './exporters.js';
import { type ExportedInput, ExportGraph, kerasName } from './graph.js';

/** One output of an exported model: a task's activated prediction (what `MultiTaskModel.predict` returns). */
export interface ExportedOutput {
  readonly task: string;
  /** Name of the output layer (the task name made Keras-safe). */
  readonly layer: string;
  /** Per-sample shape. A single value is [1] here, where `predict` returns [batch] instead of [batch, 1]. */
  readonly shape: number[];
}

/** A trained model as a tfjs LayersModel, with what it takes to feed it and read it. */
export interface LayersExport {
  readonly model: tf.LayersModel;
  readonly inputs: readonly ExportedInput[];
  readonly outputs: readonly ExportedOutput[];
  /** tfjs/Keras weight name → Polytask parameter name. */
  readonly weightNames: Readonly<Record<string, string>>;
}

/**
 * Rebuilds `model` as a functional tfjs-layers model (stock Keras layers, plus the registered `Polytask>` ones where
 * none fits) with its current weights: inputs from `data` (those the trunk reads), one output per task after
 * activation. `config` names the registered trunk, architecture and heads, which select the exporters.
 * The caller disposes `model` of the result.
 */
export function toLayersModel(model: MultiTaskModel, config: ModelConfig, data: DataSpec): LayersExport {
  const g = new ExportGraph(data);
  const outputNames = model.tasks.map((t) => g.reserve(kerasName(t.name)));
  const features = trunkExporterRegistry.get(config.trunk.type)(model.trunk, g);
  const branchInputs = architectureExporterRegistry.get(config.architecture.type)(model.architecture, features, g);
  const logits = new Map(
    model.tasks
      .filter((t) => t.head)
      .map((t) => [t.name, headExporterRegistry.get(t.head!.type)(model.heads.get(t.name)!, branchInputs.get(t.name)!, g)]),
  );
  const outputs = model.tasks.map((t, i) => {
    if (!t.exportOutput) throw new Error(`export: task "${t.name}" has no exportOutput (its task kind cannot be exported)`);
    const heads = (t.inputs ?? [t.name]).map((h) => logits.get(h)!);
    const y = t.exportOutput(heads, { outputName: outputNames[i]!, layerName: (hint) => g.layerName(hint) });
    if (!y.name.startsWith(outputNames[i]!)) throw new Error(`export: task "${t.name}"'s last layer is not named "${outputNames[i]}"`);
    return y;
  });
  const layers = g.build(outputs);
  return {
    model: layers,
    inputs: g.inputs,
    outputs: model.tasks.map((t, i) => ({ task: t.name, layer: outputNames[i]!, shape: outputs[i]!.shape.slice(1) as number[] })),
    weightNames: g.weightNames,
  };
}

/** What an export folder holds besides the model: how to feed it and what it returns. */
export interface ExportManifest {
  readonly format: 'polytask-export';
  readonly formatVersion: 1;
  /** The model files' format (`tfjs-layers`: model.json + weights.bin). */
  readonly modelFormat: string;
  /** The domain the preprocessing belongs to (`recsys`, ...). */
  readonly domain: string;
  /** Model inputs in the order of `model.inputs` (predict with an array in this order, or by layer name). */
  readonly inputs: readonly ExportedInput[];
  /** Model outputs in the order of `model.outputs`, one per task. */
  readonly outputs: readonly ExportedOutput[];
  /** Custom layer classes the model uses (they need registering before loading; in Python, a twin each). */
  readonly customLayers: readonly string[];
  readonly weightNames: Readonly<Record<string, string>>;
  /** The domain's `serializePreprocessing`: vocabularies, scalers, ... that turn raw records into the inputs. */
  readonly preprocessing: unknown;
}

export const EXPORT_MANIFEST = 'preprocessing.json';

/** What an exporter needs besides the model. */
export interface ExportRequest {
  readonly config: ModelConfig;
  readonly dataSpec: DataSpec;
  readonly domain: string;
  readonly preprocessing: unknown;
}

/** Writes a model in one format: file name → contents, for `writeFolderAtomic`. */
export type ModelExporter = (model: MultiTaskModel, request: ExportRequest) => Promise<Record<string, string | Uint8Array>>;

/** Export formats by the name `export --format` takes. */
export const exportFormatRegistry = new Registry<ModelExporter>('export format');

/** The custom layer classes a saved topology names. */
function customLayersIn(topology: unknown): string[] {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.class_name === 'string' && CUSTOM_LAYERS.includes(o.class_name)) found.add(o.class_name);
      Object.values(o).forEach(visit);
    }
  };
  visit(topology);
  return [...found].sort();
}

/** tfjs-layers: model.json (Keras topology + weights manifest) and weights.bin, as `model.save('file://…')` writes them. */
export async function exportTfjsLayers(model: MultiTaskModel, request: ExportRequest): Promise<Record<string, string | Uint8Array>> {
  const exported = toLayersModel(model, request.config, request.dataSpec);
  try {
    let artifacts: tf.io.ModelArtifacts | undefined;
    await exported.model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const a = artifacts!;
    const weightData = Array.isArray(a.weightData) ? tf.io.concatenateArrayBuffers(a.weightData) : a.weightData!;
    const modelJson: tf.io.ModelJSON = {
      modelTopology: a.modelTopology as object,
      format: a.format,
      generatedBy: a.generatedBy,
      convertedBy: a.convertedBy ?? null,
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs! }],
    };
    const manifest: ExportManifest = {
      format: 'polytask-export',
      formatVersion: 1,
      modelFormat: 'tfjs-layers',
      domain: request.domain,
      inputs: exported.inputs,
      outputs: exported.outputs,
      customLayers: customLayersIn(a.modelTopology),
      weightNames: exported.weightNames,
      preprocessing: request.preprocessing,
    };
    return {
      'model.json': JSON.stringify(modelJson),
      'weights.bin': new Uint8Array(weightData),
      [EXPORT_MANIFEST]: `${JSON.stringify(manifest, null, 1)}\n`,
    };
  } finally {
    exported.model.dispose();
  }
}

exportFormatRegistry.register('tfjs-layers', exportTfjsLayers);
