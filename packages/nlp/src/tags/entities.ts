import { splitTag } from './schemes.js';

/** An entity (chunk) of a tagged sentence: its type and token range [start, end] (inclusive), as seqeval reports it. */
export interface Entity {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The entities of one sentence exactly as seqeval's default mode (`get_entities`, which follows conlleval) finds
 * them: an `I-x` after `O` or another type starts an entity, a type change ends one, and B/I/E/S prefixes all work,
 * so IOB1, IOB2 and IOBES tags are read alike.
 */
export function entities(tags: readonly string[]): Entity[] {
  const out: Entity[] = [];
  let prevPrefix = 'O';
  let prevType = '';
  let begin = 0;
  [...tags, 'O'].forEach((tag, i) => {
    const split = splitTag(tag);
    const prefix = split.prefix;
    const type = prefix === 'O' ? '_' : split.type;
    if (endOfChunk(prevPrefix, prefix, prevType, type)) out.push({ type: prevType, start: begin, end: i - 1 });
    if (startOfChunk(prevPrefix, prefix, prevType, type)) begin = i;
    prevPrefix = prefix;
    prevType = type;
  });
  return out;
}

function endOfChunk(prev: string, tag: string, prevType: string, type: string): boolean {
  if (prev === 'E' || prev === 'S') return true;
  if ((prev === 'B' || prev === 'I') && (tag === 'B' || tag === 'S' || tag === 'O')) return true;
  return prev !== 'O' && prevType !== type;
}

function startOfChunk(prev: string, tag: string, prevType: string, type: string): boolean {
  if (tag === 'B' || tag === 'S') return true;
  if ((prev === 'E' || prev === 'S' || prev === 'O') && (tag === 'E' || tag === 'I')) return true;
  return tag !== 'O' && prevType !== type;
}
