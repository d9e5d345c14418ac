import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import { isZodError, OptionsError } from './errors.js';

/** How an entry was registered: `options` is the schema of its config `options` (shown by `list`, the JSON Schema). */
export interface RegisterOptions {
  /** Replace an entry already registered under the name. */
  readonly override?: boolean;
  /** The zod schema its `options` are parsed with: defaults and types for `polytask-<domain> list`. */
  readonly options?: z.ZodType;
}

/**
 * A string-keyed registry: pluggable families (weightings, architectures, trunks, heads, tasks, metrics)
 * are looked up by the name used in config, so a new method is one `register` call, not a switch statement.
 */
export class Registry<T> {
  private readonly entries = new Map<string, T>();
  private readonly optionSchemas = new Map<string, z.ZodType>();

  constructor(readonly family: string) {}

  /**
   * Adds `entry` under `name`. Every registry treats a duplicate name alike: registering the same entry again is a
   * no-op (a module evaluated twice), a different entry under a taken name throws unless `override` says it is meant.
   */
  register(name: string, entry: T, options: RegisterOptions = {}): void {
    const existing = this.entries.get(name);
    if (existing !== undefined && existing !== entry && !options.override) {
      throw new Error(`${this.family} "${name}" is already registered (pass { override: true } to replace it)`);
    }
    this.entries.set(name, entry);
    if (options.options) this.optionSchemas.set(name, options.options);
    else if (existing !== entry) this.optionSchemas.delete(name);
  }

  /** The schema of the entry's options, when it was registered with one. */
  optionsSchema(name: string): z.ZodType | undefined {
    this.get(name);
    return this.optionSchemas.get(name);
  }

  /**
   * The entry under `name`. A factory entry comes back wrapped so that a zod error from parsing its options (the
   * first argument) becomes an {@link OptionsError} naming this family and name.
   */
  get(name: string): T {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new Error(this.unknownMessage(name));
    if (typeof entry !== 'function') return entry;
    const family = this.family;
    const factory = entry as unknown as (...args: unknown[]) => unknown;
    return ((...args: unknown[]) => {
      try {
        return factory(...args);
      } catch (e) {
        if (isZodError(e)) throw new OptionsError(family, name, args[0], e.issues);
        throw e;
      }
    }) as unknown as T;
  }

  /** `unknown <family> "<name>"` with the closest registered name, or the known ones. */
  unknownMessage(name: string): string {
    return `unknown ${this.family} "${name}"${didYouMean(name, this.names())}`;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }
}
