import tokenizers from 'natural/lib/natural/tokenizers/index.js';

/** A token with its character offsets in the raw text: `text.slice(start, end) === token.text`. */
export interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * How raw text becomes tokens: `whitespace` reads pre-tokenized text as is (runs of whitespace separate tokens,
 * SNIPS/ATIS `seq.in`); `word-punct` is natural's WordPunctTokenizer (words and runs of punctuation apart, "U.S.A."
 * → U . S . A .), for untokenized text such as a CoNLL-trained model's predict input.
 */
export type TokenizerName = 'whitespace' | 'word-punct';
export const TOKENIZERS: readonly TokenizerName[] = ['whitespace', 'word-punct'];

const wordPunct = new tokenizers.WordPunctTokenizer();

/** Tokens of `text` with offsets into it. */
export function tokenize(text: string, tokenizer: TokenizerName): Token[] {
  const words = tokenizer === 'whitespace' ? text.split(/\s+/).filter((w) => w.length > 0) : wordPunct.tokenize(text);
  return locate(text, words);
}

/**
 * Finds each token in order in the raw text. natural's tokenizers return substrings without offsets; scanning from
 * the end of the previous token recovers them exactly, whatever the spacing.
 */
export function locate(text: string, words: readonly string[]): Token[] {
  const tokens: Token[] = [];
  let cursor = 0;
  for (const word of words) {
    const start = text.indexOf(word, cursor);
    if (start < 0) throw new Error(`tokenizer returned "${word}", which is not in the text after offset ${cursor}`);
    tokens.push({ text: word, start, end: start + word.length });
    cursor = start + word.length;
  }
  return tokens;
}
