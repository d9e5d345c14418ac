/**
 * @polytask/nlp — joint sentence classification and token tagging on one text trunk, on @polytask/core.
 *
 * - readers: the SNIPS/ATIS folder format (`readSnipsSplit`) and CoNLL column files (`readConll`);
 * - text: `tokenize` (natural, character offsets kept), `Vocabulary` (min count, OOV), `readWordVectors` (GloVe/word2vec);
 * - tags: IOB1 / IOB2 / IOBES conversion and constraints, seqeval-compatible `entities`;
 * - trunks `text-bilstm` and `text-cnn` (word + char-CNN features), heads `sentence` (max/mean/attention pooling)
 *   and `token`; task kinds `sentence-classification`, `token-softmax`, `token-crf`, `frame`; metrics `entities`
 *   (precision, recall, f1, f1/<type>), `tag_accuracy`, `sentence_accuracy`;
 * - `nlpDomain`: the DomainAdapter behind `polytask-nlp train | eval | predict`; `loadNlpModel(dir)` for raw text.
 *
 * @module @polytask/nlp
 */
import './register.js';

export { buildNlpTasks, nlpDomain } from './adapter.js';
export { FORMATS, NlpDataConfig, type ResolvedDataConfig, resolveDataConfig } from './data/config.js';
export { readConll } from './data/conll.js';
export {
  type FrameLabel,
  type LoadOptions,
  loadNlpData,
  type NlpData,
  nlpDataSpec,
  type PretrainedTable,
  WORD_VECTORS,
} from './data/load.js';
export { NlpPreprocessing, NlpState, parseNlpPreprocessing, UNSEEN_CLASS } from './data/preprocessing.js';
export type { LabelledSentence } from './data/sentence.js';
export { readSnipsSplit, type SnipsKeys } from './data/snips.js';
export { SentenceHead, SentenceHeadOptions } from './heads/sentence-head.js';
export { TokenHead, TokenHeadOptions } from './heads/token-head.js';
export { loadNlpModel } from './load-nlp-model.js';
export { createEntityMetric, createTagAccuracy, EntityCounts, goldTags } from './metrics/entity-f1.js';
export { createSentenceAccuracy } from './metrics/sentence-accuracy.js';
export { CharCnn } from './model/char-cnn.js';
export { TextBiLstm, TextBiLstmOptions } from './model/text-bilstm.js';
export { TextCnn, TextCnnOptions } from './model/text-cnn.js';
export { splitMaskChannel, TokenFeatures, tokenMask, withMaskChannel } from './model/token-features.js';
export { WordEmbedding } from './model/word-embedding.js';
export { type Entity, entities } from './tags/entities.js';
export { allowedTransition, convertTags, fromIob2, splitTag, TAG_SCHEMES, type TagScheme, toIob2 } from './tags/schemes.js';
export { type NlpTaskContext, nlpContext } from './tasks/context.js';
export { type CrfScores, crfLogPartition, crfNegLogLikelihood, crfPathScore, type HostCrf, viterbi } from './tasks/crf.js';
export { type DecodedFrame, FrameOptions, frameTask } from './tasks/frame.js';
export { type ClassifiedSentence, SentenceClassificationOptions, sentenceClassificationTask } from './tasks/sentence-classification.js';
export {
  CrfTaggingOptions,
  crfTaggingTask,
  maskLengths,
  SoftmaxTaggingOptions,
  softmaxTaggingTask,
  type TaggedSentence,
} from './tasks/tagging.js';
export { locate, TOKENIZERS, type Token, type TokenizerName, tokenize } from './text/tokenize.js';
export { OOV_ID, PAD_ID, Vocabulary } from './text/vocabulary.js';
export { readWordVectors, type WordVectors } from './text/word-vectors.js';
