import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CITIES = ['paris', 'rome', 'new york', 'san francisco', 'tokyo', 'lima', 'oslo'];
const SONGS = ['yellow', 'hey jude', 'imagine', 'let it be', 'halo'];

/** A toy utterance in the SNIPS format: GetWeather names a city, PlayMusic a song (slots of one or two words). */
export function utterance(i: number): { words: string[]; tags: string[]; intent: string } {
  const weather = i % 2 === 0;
  const pool = weather ? CITIES : SONGS;
  const name = pool[i % pool.length]!.split(' ');
  const type = weather ? 'city' : 'song';
  const prefix = weather
    ? i % 4 === 0
      ? ['weather', 'in']
      : ['what', 'is', 'the', 'weather', 'in']
    : i % 3 === 0
      ? ['play']
      : ['please', 'play', 'me'];
  const words = [...prefix, ...name];
  return {
    words,
    tags: [...prefix.map(() => 'O'), ...name.map((_, j) => `${j === 0 ? 'B' : 'I'}-${type}`)],
    intent: weather ? 'GetWeather' : 'PlayMusic',
  };
}

type Row = ReturnType<typeof utterance>;

/** Writes `<root>/<split>/{seq.in, seq.out, label}`; `edit` may corrupt a file's text. */
export function writeSnipsSplit(
  root: string,
  split: string,
  rows: Row[],
  edit: Partial<Record<'seq.in' | 'seq.out' | 'label', (text: string) => string>> = {},
): void {
  mkdirSync(join(root, split), { recursive: true });
  const files = {
    'seq.in': `${rows.map((r) => r.words.join(' ')).join('\n')}\n`,
    'seq.out': `${rows.map((r) => `${r.tags.join(' ')} `).join('\n')}\n`,
    label: `${rows.map((r) => r.intent).join('\n')}\n`,
  };
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(root, split, name), edit[name as keyof typeof files]?.(text) ?? text);
}

/** A toy SNIPS-format folder with train / dev / test. */
export function toySnips(root: string): string {
  writeSnipsSplit(
    root,
    'train',
    Array.from({ length: 80 }, (_, i) => utterance(i)),
  );
  writeSnipsSplit(
    root,
    'dev',
    Array.from({ length: 12 }, (_, i) => utterance(i + 100)),
  );
  writeSnipsSplit(
    root,
    'test',
    Array.from({ length: 12 }, (_, i) => utterance(i + 200)),
  );
  return root;
}

const PEOPLE = ['John Smith', 'Maria', 'Peter Blackburn', 'Ann Lee'];
const PLACES = ['Paris', 'New York', 'Berlin'];

/** A synthetic CoNLL-2003-style file (word POS chunk NER, -DOCSTART-, blank lines): "<PER> visited <LOC> ." sentences. */
export function toyConll(n: number, offset = 0): string {
  const lines = ['-DOCSTART- -X- -X- O', ''];
  for (let i = offset; i < offset + n; i++) {
    const who = PEOPLE[i % PEOPLE.length]!.split(' ');
    const where = PLACES[i % PLACES.length]!.split(' ');
    for (const [j, w] of who.entries()) lines.push(`${w} NNP ${j === 0 ? 'B' : 'I'}-NP ${j === 0 ? 'B' : 'I'}-PER`);
    lines.push(`${i % 2 === 0 ? 'visited' : 'left'} VBD B-VP O`);
    for (const [j, w] of where.entries()) lines.push(`${w} NNP ${j === 0 ? 'B' : 'I'}-NP ${j === 0 ? 'B' : 'I'}-LOC`);
    lines.push('. . O O', '');
  }
  return `${lines.join('\n')}\n`;
}
