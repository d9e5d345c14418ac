/**
 * A string-keyed registry: pluggable families (weightings, architectures, trunks, heads, tasks, metrics)
 * are looked up by the name used in config, so a new method is one `register` call, not a switch statement.
 */
export class Registry<T> {
  private readonly entries = new Map<string, T>();

  constructor(readonly family: string) {}

  /**
   * Adds `entry` under `name`. Every registry treats a duplicate name alike: registering the same entry again is a
   * no-op (a module evaluated twice), a different entry under a taken name throws unless `override` says it is meant.
   */
  register(name: string, entry: T, options: { override?: boolean } = {}): void {
    const existing = this.entries.get(name);
    if (existing !== undefined && existing !== entry && !options.override) {
      throw new Error(`${this.family} "${name}" is already registered (pass { override: true } to replace it)`);
    }
    this.entries.set(name, entry);
  }

  get(name: string): T {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      throw new Error(`unknown ${this.family} "${name}"; known: ${this.names().join(', ')}`);
    }
    return entry;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }
}
