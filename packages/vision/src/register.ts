/**
 * Registers the vision components under their config names (imported for its side effect by the package entry):
 * trunk `vision-backbone`, head `conv`, task kinds `detection` and `segmentation`, metrics `map`, `miou` and
 * `pixel_accuracy`.
 */
import { type HeadFactory, headRegistry, metricRegistry, type TrunkFactory, taskKind, taskRegistry, trunkRegistry } from '@polytask/core';
import { createCocoMap } from './metrics/coco-map.js';
import { createMeanIou, createPixelAccuracy } from './metrics/segmentation-metrics.js';
import { BackboneOptions, VisionBackbone } from './model/backbone.js';
import { ConvHead, ConvHeadOptions } from './model/conv-head.js';
import { DetectionOptions, detectionTask } from './tasks/detection.js';
import { SegmentationOptions, segmentationTask } from './tasks/segmentation.js';

const backbone: TrunkFactory = (options, ctx) => new VisionBackbone(BackboneOptions.parse(options), ctx);
const convHead: HeadFactory = (options, ctx) => new ConvHead(ConvHeadOptions.parse(options), ctx);

trunkRegistry.register('vision-backbone', backbone, { options: BackboneOptions });
headRegistry.register('conv', convHead, { options: ConvHeadOptions });
taskRegistry.register('detection', taskKind(DetectionOptions, detectionTask));
taskRegistry.register('segmentation', taskKind(SegmentationOptions, segmentationTask));
metricRegistry.register('map', createCocoMap);
metricRegistry.register('miou', createMeanIou);
metricRegistry.register('pixel_accuracy', createPixelAccuracy);
