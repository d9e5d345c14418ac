/**
 * Tag schemes of entity/slot tagging. IOB1 (CoNLL-2003's original release): `I-x` inside, `B-x` only where an x
 * entity directly follows another. IOB2 / BIO: every entity starts with `B-x`. IOBES: `S-x` single-token entities,
 * `B-x … E-x` longer ones. `none`: plain labels (POS tags), never converted or constrained.
 */
export type TagScheme = 'iob1' | 'iob2' | 'iobes' | 'none';
export const TAG_SCHEMES: readonly TagScheme[] = ['iob1', 'iob2', 'iobes', 'none'];

/** A tag's prefix (`B`, `I`, `E`, `S`, or `O` for outside / no prefix) and entity type. */
export function splitTag(tag: string): { prefix: string; type: string } {
  if (tag === 'O') return { prefix: 'O', type: '' };
  const dash = tag.indexOf('-');
  if (dash === 1 && 'BIES'.includes(tag[0]!)) return { prefix: tag[0]!, type: tag.slice(2) };
  return { prefix: 'O', type: '' };
}

/** Tags of one sentence in `from` → IOB2. */
export function toIob2(tags: readonly string[], from: TagScheme): string[] {
  if (from === 'iob2' || from === 'none') return [...tags];
  return tags.map((tag, i) => {
    const { prefix, type } = splitTag(tag);
    if (from === 'iobes') {
      if (prefix === 'S') return `B-${type}`;
      if (prefix === 'E') return `I-${type}`;
      return tag;
    }
    // IOB1: an I-x that does not continue an x entity starts one.
    if (prefix !== 'I') return tag;
    const prev = i > 0 ? splitTag(tags[i - 1]!) : { prefix: 'O', type: '' };
    return prev.prefix === 'O' || prev.type !== type ? `B-${type}` : tag;
  });
}

/** IOB2 tags of one sentence → `to`. */
export function fromIob2(tags: readonly string[], to: TagScheme): string[] {
  if (to === 'iob2' || to === 'none') return [...tags];
  return tags.map((tag, i) => {
    const { prefix, type } = splitTag(tag);
    const next = i + 1 < tags.length ? splitTag(tags[i + 1]!) : { prefix: 'O', type: '' };
    const continues = next.prefix === 'I' && next.type === type;
    if (to === 'iobes') {
      if (prefix === 'B') return continues ? tag : `S-${type}`;
      if (prefix === 'I') return continues ? tag : `E-${type}`;
      return tag;
    }
    // IOB1: B-x only where an x entity directly follows another x entity.
    if (prefix !== 'B') return tag;
    const prev = i > 0 ? splitTag(tags[i - 1]!) : { prefix: 'O', type: '' };
    return prev.prefix !== 'O' && prev.type === type ? tag : `I-${type}`;
  });
}

/** Tags of one sentence from one scheme to another (through IOB2). */
export function convertTags(tags: readonly string[], from: TagScheme, to: TagScheme): string[] {
  if (from === to || from === 'none' || to === 'none') return [...tags];
  return fromIob2(toIob2(tags, from), to);
}

/**
 * Whether tag `to` may follow tag `from` under `scheme` (`undefined` = the sentence start, or its end as `to`): the
 * moves a linear-chain CRF forbids. IOB2: `I-x` only after `B-x` / `I-x`. IOBES additionally: after `B-x` / `I-x`
 * only `I-x` / `E-x`, and a sentence cannot end inside an entity. IOB1: `B-x` only after an x tag.
 */
export function allowedTransition(from: string | undefined, to: string | undefined, scheme: TagScheme): boolean {
  if (scheme === 'none') return true;
  const f = from === undefined ? { prefix: 'O', type: '' } : splitTag(from);
  const t = to === undefined ? { prefix: 'O', type: '' } : splitTag(to);
  if (scheme === 'iob2') return t.prefix !== 'I' || ((f.prefix === 'B' || f.prefix === 'I') && f.type === t.type);
  if (scheme === 'iob1') return t.prefix !== 'B' || ((f.prefix === 'B' || f.prefix === 'I') && f.type === t.type);
  const open = f.prefix === 'B' || f.prefix === 'I';
  const inside = t.prefix === 'I' || t.prefix === 'E';
  if (open) return inside && f.type === t.type;
  return !inside;
}
