/**
 * `@polytask/core/layers`: registers Polytask's custom tfjs layers and nothing else (tfjs only, browser-safe). Import it
 * before `tf.loadLayersModel` where the rest of core is not wanted, e.g. in a web page serving an exported model.
 */
export { CrossStitchUnit, CUSTOM_LAYERS, FieldOffset, GeluTanh, MaskedMean } from './custom-layers.js';
