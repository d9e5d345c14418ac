import * as tf from '@tensorflow/tfjs';
import type { SharingArchitecture } from '../arch/architecture.js';
import { CrossStitch } from '../arch/cross-stitch.js';
import { HardSharing } from '../arch/hard-sharing.js';
import type { ExpertGroup, Gate } from '../arch/mixture.js';
import { Mmoe } from '../arch/mmoe.js';
import { Ple } from '../arch/ple.js';
import type { Head } from '../heads/head.js';
import { MlpHead } from '../heads/mlp-head.js';
import { EmbeddingTrunk } from '../trunk/embedding-trunk.js';
import { IdentityTrunk } from '../trunk/identity-trunk.js';
import { MlpTrunk } from '../trunk/mlp-trunk.js';
import type { Trunk } from '../trunk/trunk.js';
import { Registry } from '../util/registry.js';
import { CrossStitchUnit } from './custom-layers.js';
import type { ExportGraph } from './graph.js';
import { concatenate, denseLayer, fieldEmbeddingLayers, mlpLayers, reshape } from './nn-layers.js';

type Symbolic = tf.SymbolicTensor;

/** Adds a trunk's layers: reads model inputs through `g.input(name)`, returns the features. */
export type TrunkExporter = (trunk: Trunk, g: ExportGraph) => Symbolic;
/** Adds an architecture's layers on the trunk features; returns each branch's head input. */
export type ArchitectureExporter = (arch: SharingArchitecture, features: Symbolic, g: ExportGraph) => Map<string, Symbolic>;
/** Adds a head's layers; returns its logits. */
export type HeadExporter = (head: Head, features: Symbolic, g: ExportGraph) => Symbolic;

/** Exporters by the registry name of what they export (`model.trunk.type`, `model.architecture.type`, `head.type`). */
export const trunkExporterRegistry = new Registry<TrunkExporter>('trunk exporter');
export const architectureExporterRegistry = new Registry<ArchitectureExporter>('architecture exporter');
export const headExporterRegistry = new Registry<HeadExporter>('head exporter');

/** The module as the class its exporter reads, or a clear error when a different class was registered under the name. */
function as<T>(module: object, cls: abstract new (...args: never[]) => T, kind: string): T {
  if (!(module instanceof cls)) throw new Error(`export: the ${kind} exporter reads a ${cls.name}, got a ${module.constructor.name}`);
  return module as T;
}

// --- trunks ---

trunkExporterRegistry.register('identity', (trunk, g) => g.input(as(trunk, IdentityTrunk, 'identity trunk').exportSpec().input));

trunkExporterRegistry.register('mlp', (trunk, g) => {
  const { input, mlp } = as(trunk, MlpTrunk, 'mlp trunk').exportSpec();
  return mlpLayers(g, mlp, g.input(input));
});

trunkExporterRegistry.register('embedding', (trunk, g) => {
  const parts = as(trunk, EmbeddingTrunk, 'embedding trunk').exportSpec();
  const features = [
    ...parts.categorical.map(({ input, table }) => fieldEmbeddingLayers(g, table, g.input(input))),
    ...parts.multi.map(({ input, table }) => fieldEmbeddingLayers(g, table, g.input(input), true)),
    ...parts.dense.map((input) => g.input(input)),
  ];
  const x = concatenate(g, features, -1, 'trunk/features');
  return parts.mlp ? mlpLayers(g, parts.mlp, x) : x;
});

// --- architectures ---

/** `a/b/c/d` with `up` trailing segments dropped: the module prefix of a parameter-named layer. */
function parent(name: string, up: number): string {
  return name.split('/').slice(0, -up).join('/');
}

/** Expert outputs [B, H] each → [B, E, H], the layout the gates mix (stock Reshape + Concatenate). */
function expertStack(g: ExportGraph, group: ExpertGroup, x: Symbolic): Symbolic {
  const outs = group.experts.map((e) => reshape(g, mlpLayers(g, e, x), [1, group.outputUnits], `${parent(e.layers[0]!.name, 1)}/as_row`));
  return concatenate(g, outs, 1, `${parent(group.experts[0]!.layers[0]!.name, 2)}/stack`);
}

/** softmax(Dense(x)) [B, E] · experts [B, E, H] → [B, H]: stock Dense(softmax) + Dot(axes 1, 1). */
function gateMix(g: ExportGraph, gate: Gate, x: Symbolic, experts: Symbolic): Symbolic {
  const weights = denseLayer(g, gate.dense, x, 'softmax');
  return g.apply(tf.layers.dot({ axes: [1, 1], name: g.layerName(`${gate.dense.name}/mix`) }), [weights, experts]);
}

function branchesOf(arch: SharingArchitecture, each: (branch: string, i: number) => Symbolic): Map<string, Symbolic> {
  return new Map(arch.branches.map((b, i) => [b, each(b, i)]));
}

architectureExporterRegistry.register('hard', (arch, features, g) => {
  const { bottom } = as(arch, HardSharing, 'hard sharing').exportSpec();
  const shared = bottom ? mlpLayers(g, bottom, features) : features;
  return branchesOf(arch, () => shared);
});

architectureExporterRegistry.register('mmoe', (arch, features, g) => {
  const { experts, gates } = as(arch, Mmoe, 'mmoe').exportSpec();
  const stacked = expertStack(g, experts, features);
  return branchesOf(arch, (b) => gateMix(g, gates.get(b)!, features, stacked));
});

const pleExporter: ArchitectureExporter = (arch, features, g) => {
  const { levels } = as(arch, Ple, 'ple').exportSpec();
  let branchInputs = arch.branches.map(() => features);
  let sharedInput = features;
  levels.forEach((level, l) => {
    const shared = expertStack(g, level.shared, sharedInput);
    const own = arch.branches.map((b, i) => expertStack(g, level.perBranch.get(b)!.experts, branchInputs[i]!));
    const mixed = arch.branches.map((b, i) => {
      const { gate } = level.perBranch.get(b)!;
      return gateMix(g, gate, branchInputs[i]!, concatenate(g, [shared, own[i]!], 1, `${gate.dense.name}/experts`));
    });
    if (l < levels.length - 1) {
      const gate = level.sharedGate!;
      sharedInput = gateMix(g, gate, sharedInput, concatenate(g, [shared, ...own], 1, `${gate.dense.name}/experts`));
    }
    branchInputs = mixed;
  });
  return branchesOf(arch, (_, i) => branchInputs[i]!);
};
architectureExporterRegistry.register('ple', pleExporter);
architectureExporterRegistry.register('cgc', pleExporter);

architectureExporterRegistry.register('cross-stitch', (arch, features, g) => {
  const { columns, stitches } = as(arch, CrossStitch, 'cross-stitch').exportSpec();
  let hs = arch.branches.map(() => features);
  stitches.forEach((stitch, l) => {
    const outs = columns.map((col, i) => denseLayer(g, col[l]!, hs[i]!));
    const unit = new CrossStitchUnit({ columns: columns.length, name: g.layerName(stitch.name) });
    hs = g.apply<Symbolic[]>(unit, outs, [stitch]);
  });
  return branchesOf(arch, (_, i) => {
    const column = columns[i]!;
    return denseLayer(g, column[column.length - 1]!, hs[i]!);
  });
});

// --- heads ---

headExporterRegistry.register('mlp', (head, features, g) => {
  const { tower, out } = as(head, MlpHead, 'mlp head').exportSpec();
  return denseLayer(g, out, tower ? mlpLayers(g, tower, features) : features);
});
