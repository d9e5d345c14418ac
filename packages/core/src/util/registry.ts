/**
 * A string-keyed registry: pluggable families (weightings, architectures, trunks, heads, tasks, metrics)
 * are looked up by the name used in config, so a new method is one `register` call, not a switch statement.
 */
export class Registry<T> {
  private readonly entries = new Map<string, T>();

  constructor(readonly family: string) {}

  register(name: string, entry: T): void {
    if (this.entries.has(name)) throw new Error(`${this.family} "${name}" is already registered`);
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
