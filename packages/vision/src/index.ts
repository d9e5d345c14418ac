/**
 * @polytask/vision — object detection and semantic segmentation on one convolutional backbone, on @polytask/core.
 *
 * - images through sharp (`decodeImage`: EXIF orientation, grayscale → RGB) into `RawImage`; one `Placement`
 *   (letterbox, scale jitter, random crop, flip) moves an image, its boxes and its mask together; colour jitter;
 * - `visionDataset`: a streaming dataset decoding on the fly, ragged boxes + dense masks (unlabeled pixels −1);
 * - synthetic shapes (`drawShapes`, `writeShapesDataset`), COCO128-style folders and COCO `instances_*.json`;
 * - trunk `vision-backbone` (conv + BN + residual stages, FPN neck), head `conv`, task kinds `detection`
 *   (CenterNet: focal + L1/GIoU, peaks + per-class NMS) and `segmentation` (cross-entropy + Dice);
 * - metrics `map` (COCO AP@[.5:.95], map50, map75, per class), `miou` (per class IoU) and `pixel_accuracy`;
 * - `visionDomain`: the DomainAdapter behind `polytask-vision train | eval | predict | export`.
 *
 * @module @polytask/vision
 */
import './register.js';

export { buildVisionTasks, parseVisionPreprocessing, VisionPreprocessing, visionDomain } from './adapter.js';
export { ClassesConfig, type ClassMap, resolveClassMap } from './data/class-map.js';
export { CocoJsonSplit, resolveDataConfig, ShapesConfig, VisionDataConfig, type VisionDataConfigInput } from './data/config.js';
export { BACKGROUND, type LoadVisionOptions, loadVisionData, segmentationMapOf, type VisionData } from './data/load.js';
export { type AnnotatedImage, DETECTION_LABEL, IMAGE_INPUT, normalisePixels, SEGMENTATION_LABEL, toSample } from './data/sample.js';
export { drawShapes, SHAPE_CLASSES, type ShapesImage, type ShapesOptions } from './data/shapes.js';
export { type ImageSource, type VisionDatasetOptions, visionDataset } from './data/vision-dataset.js';
export { AugmentConfig, colourJitter, randomPlacement } from './image/augment.js';
export { classColour, type OverlayBox, writeOverlay } from './image/overlay.js';
export { letterbox, type PlacedBoxes, type Placement, placeBoxes, placeImage, placeLabels, toOutput } from './image/placement.js';
export { decodeImage, decodeMask, type RawImage, type RawMask, writePng } from './image/raw-image.js';
export { loadVisionModel } from './load-vision-model.js';
export { type Box, boxArea, boxIou } from './metrics/box-iou.js';
export { cocoAveragePrecision, createCocoMap, type EvalImage, IOU_THRESHOLDS, type TruthBox } from './metrics/coco-map.js';
export { createMeanIou, createPixelAccuracy, PixelConfusion } from './metrics/segmentation-metrics.js';
export { BackboneOptions, VisionBackbone } from './model/backbone.js';
export { ConvBnAct, ResidualBlock } from './model/conv-block.js';
export { ConvHead, ConvHeadOptions } from './model/conv-head.js';
export { cocoJsonSource, instanceCategories, readInstances } from './readers/coco-json.js';
export { coco128Source, coco128Splits, IMAGE_EXTENSIONS, listImages, readCoco128Classes, UNLABELED } from './readers/coco128.js';
export { fillPolygon } from './readers/polygon.js';
export { shapesSource, writeShapesDataset } from './readers/shapes-source.js';
export { parseYoloLabels, type YoloBoxes } from './readers/yolo-labels.js';
export { visionRunConfigJsonSchema } from './run-config-schema.js';
export { centerNetTargets, gaussianRadius } from './tasks/centernet-targets.js';
export { type DecodedDetection, DetectionOptions, decodeDetections, detectionTask, giouLoss } from './tasks/detection.js';
export { type Detection, nms, type PostProcessOptions, postProcess } from './tasks/nms.js';
export { type DecodedMask, SegmentationOptions, segmentationLoss, segmentationLossOnHost, segmentationTask } from './tasks/segmentation.js';
