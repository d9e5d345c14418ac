import type { ForwardContext, Inputs, Module, Parameter, Rng } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { type PretrainedTable, WORD_VECTORS } from '../data/load.js';
import { CharCnn } from './char-cnn.js';
import { WordEmbedding } from './word-embedding.js';

/** Options every text trunk shares: how a token is represented before the encoder. */
export const TokenFeatureOptions = {
  wordDim: z.number().int().positive().default(100),
  /** Character CNN features (0 filters: words only). */
  charDim: z.number().int().positive().default(30),
  charFilters: z.number().int().nonnegative().default(50),
  charKernel: z.number().int().positive().default(3),
  /** Rate at which training words are replaced by OOV. */
  wordDropout: z.number().min(0).max(1).default(0.05),
  /** Dropout on the token features and on the encoder output. */
  dropout: z.number().min(0).max(1).default(0.5),
};

export interface TokenFeatureConfig {
  wordDim: number;
  charDim: number;
  charFilters: number;
  charKernel: number;
  wordDropout: number;
}

/** Word embedding ⊕ char-CNN features per token, [B, T, wordDim + charFilters]. */
export class TokenFeatures implements Module {
  readonly words: WordEmbedding;
  readonly chars: CharCnn | undefined;
  readonly units: number;

  constructor(name: string, o: TokenFeatureConfig, meta: Record<string, unknown> | undefined, rng: Rng) {
    const words = meta?.words;
    const chars = meta?.chars;
    if (typeof words !== 'number' || typeof chars !== 'number')
      throw new Error(`${name}: the data spec has no word and char vocabulary sizes (an nlp dataset's meta)`);
    const pretrained = meta?.[WORD_VECTORS] as PretrainedTable | undefined;
    this.words = new WordEmbedding(`${name}/words`, words, o.wordDim, o.wordDropout, rng, pretrained);
    this.chars = o.charFilters > 0 ? new CharCnn(`${name}/chars`, chars, o.charDim, o.charFilters, o.charKernel, rng) : undefined;
    this.units = o.wordDim + o.charFilters;
  }

  apply(inputs: Inputs, ctx: ForwardContext): tf.Tensor3D {
    return tf.tidy(() => {
      const w = this.words.apply(inputs.words!, ctx);
      return this.chars ? (tf.concat([w, this.chars.apply(inputs.chars!)], 2) as tf.Tensor3D) : w;
    });
  }

  parameters(): Parameter[] {
    return [...this.words.parameters(), ...(this.chars?.parameters() ?? [])];
  }
}

/** [B, T] float mask of the real tokens (1) from the batch's word ids (padding is id 0, never a word). */
export function tokenMask(inputs: Inputs): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.greater(inputs.words!, 0), 'float32') as tf.Tensor2D);
}

/**
 * The text trunk output convention: features [B, T, D] with the token mask appended as a last channel
 * ([B, T, D + 1]), so heads pool over real tokens only (a head sees nothing but the features).
 */
export function withMaskChannel(features: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => tf.concat([tf.mul(features, mask.expandDims(2)), mask.expandDims(2)], 2) as tf.Tensor3D);
}

/** Splits a text trunk's output back into features [B, T, D] and mask [B, T]. */
export function splitMaskChannel(x: tf.Tensor): { features: tf.Tensor3D; mask: tf.Tensor2D } {
  const [b, t, d] = x.shape as [number, number, number];
  return {
    features: tf.slice(x, [0, 0, 0], [b, t, d - 1]) as tf.Tensor3D,
    mask: tf.slice(x, [0, 0, d - 1], [b, t, 1]).reshape([b, t]) as tf.Tensor2D,
  };
}
