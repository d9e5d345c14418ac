/**
 * Registers the nlp trunks, heads, task kinds and metrics by name (imported once by the package entry; a bundler
 * keeps it through `sideEffects`).
 */
import { headRegistry, metricRegistry, taskRegistry, trunkRegistry } from '@polytask/core';
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
