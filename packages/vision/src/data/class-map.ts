import { didYouMean } from '@polytask/core';
import { z } from 'zod';

/**
 * `data.classes`: the classes to train, by name. A list keeps those classes (a subset); a record merges source
 * classes into new ones (`vehicle: [car, truck, bus]`). Objects and pixels of other classes are dropped (boxes) or
 * become background (pixels).
 */
export const ClassesConfig = z.union([z.array(z.string().min(1)).min(1), z.record(z.string().min(1), z.array(z.string().min(1)).min(1))]);
export type ClassesConfig = z.infer<typeof ClassesConfig>;

/** The target classes and which source class names feed each. */
export interface ClassMap {
  readonly names: readonly string[];
  /** Target id of a source class name, or undefined (not trained). */
  targetOf(sourceName: string): number | undefined;
}

/**
 * Resolves `data.classes` against the class names a dataset defines (`known`): default all of `defaults`.
 * A name the dataset does not define throws, with the closest known name.
 */
export function resolveClassMap(config: ClassesConfig | undefined, defaults: readonly string[], known: readonly string[]): ClassMap {
  const groups: [string, readonly string[]][] =
    config === undefined ? defaults.map((n) => [n, [n]]) : Array.isArray(config) ? config.map((n) => [n, [n]]) : Object.entries(config);
  const lookup = new Map<string, number>();
  const available = new Set(known);
  groups.forEach(([, sources], target) => {
    for (const s of sources) {
      if (!available.has(s)) throw new Error(`unknown class "${s}"${didYouMean(s, [...available])}`);
      if (lookup.has(s)) throw new Error(`class "${s}" is mapped twice`);
      lookup.set(s, target);
    }
  });
  return { names: groups.map(([name]) => name), targetOf: (name) => lookup.get(name) };
}
