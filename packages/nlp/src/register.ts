/**
 * Registers the nlp trunks, heads, task kinds and metrics by name (imported once by the package entry; a bundler
 * keeps it through `sideEffects`).
 */
import { headRegistry, metricRegistry, PolytaskError, taskRegistry, trunkExporterRegistry, trunkRegistry } from '@polytask/core';
import { SentenceHead, SentenceHeadOptions } from './heads/sentence-head.js';
import { TokenHead, TokenHeadOptions } from './heads/token-head.js';
import { createEntityMetric, createTagAccuracy } from './metrics/entity-f1.js';
import { createSentenceAccuracy } from './metrics/sentence-accuracy.js';
import { TextBiLstm, TextBiLstmOptions } from './model/text-bilstm.js';
import { TextCnn, TextCnnOptions } from './model/text-cnn.js';
import { frameKind } from './tasks/frame.js';
import { sentenceClassificationKind } from './tasks/sentence-classification.js';
import { crfTaggingKind, softmaxTaggingKind } from './tasks/tagging.js';

trunkRegistry.register('text-bilstm', (options, ctx) => new TextBiLstm(options, ctx), { options: TextBiLstmOptions });
trunkRegistry.register('text-cnn', (options, ctx) => new TextCnn(options, ctx), { options: TextCnnOptions });
headRegistry.register('sentence', (options, ctx) => new SentenceHead(options, ctx), { options: SentenceHeadOptions });
headRegistry.register('token', (options, ctx) => new TokenHead(options, ctx), { options: TokenHeadOptions });
taskRegistry.register('sentence-classification', sentenceClassificationKind);
taskRegistry.register('token-softmax', softmaxTaggingKind);
taskRegistry.register('token-crf', crfTaggingKind);
taskRegistry.register('frame', frameKind);
metricRegistry.register('entities', createEntityMetric);
metricRegistry.register('tag_accuracy', createTagAccuracy);
metricRegistry.register('sentence_accuracy', createSentenceAccuracy);

// tfjs-layers has no padding-aware BiLSTM over per-sequence lengths, no masked char-CNN max and no CRF decoding:
// say so by name instead of "unknown exporter".
for (const trunk of ['text-bilstm', 'text-cnn']) {
  trunkExporterRegistry.register(trunk, () => {
    throw new PolytaskError(
      `export: the "${trunk}" trunk is not exportable to tfjs-layers (its char CNN pools over real characters only and its encoder reads per-sentence lengths and the token mask, which stock Keras layers cannot express); use predict, or loadNlpModel in JavaScript`,
    );
  });
}
