import {
  architectureRegistry,
  describeIssues,
  didYouMean,
  fieldPath,
  headRegistry,
  metricRegistry,
  OptionsError,
  type Registry,
  type RunConfig,
  taskRegistry,
  trunkRegistry,
  UsageError,
  weightingRegistry,
} from '@polytask/core';

/** A config problem at a field: `invalid config: FILE: field "PATH": PROBLEM` (exit code 2). */
export function configError(file: string, path: readonly PropertyKey[], problem: string): UsageError {
  return new UsageError(`invalid config: ${file}: field "${fieldPath(path)}": ${problem}`);
}

function checkName(registry: Registry<unknown>, name: string, file: string, path: readonly PropertyKey[]): void {
  if (!registry.has(name)) throw configError(file, path, registry.unknownMessage(name));
}

function checkTaskName(names: readonly string[], name: string, file: string, path: readonly PropertyKey[], what: string): void {
  if (!names.includes(name)) throw configError(file, path, `${what} "${name}" is not a task of this config${didYouMean(name, names)}`);
}

/**
 * Everything about a run config that can be known without its data: every name a registry looks up (trunk,
 * architecture, weighting, task types, heads, metrics) and every reference to a task (single task, monitor,
 * baselines). Runs before anything is read or written, so a typo costs nothing.
 */
export function checkRunConfig(config: RunConfig, file: string, flags: { singleTask?: boolean } = {}): void {
  checkName(trunkRegistry, config.model.trunk.type, file, ['model', 'trunk', 'type']);
  checkName(architectureRegistry, config.model.architecture.type, file, ['model', 'architecture', 'type']);
  checkName(weightingRegistry, config.train.weighting.name, file, ['train', 'weighting', 'name']);
  config.tasks.forEach((t, i) => {
    checkName(taskRegistry, t.type, file, ['tasks', i, 'type']);
    if (t.head) checkName(headRegistry, t.head.type, file, ['tasks', i, 'head', 'type']);
    t.metrics?.forEach((m, j) => {
      const name = typeof m === 'string' ? m : m.name;
      checkName(metricRegistry, name, file, typeof m === 'string' ? ['tasks', i, 'metrics', j] : ['tasks', i, 'metrics', j, 'name']);
    });
  });
  const names = config.tasks.map((t) => t.name);
  const single = config.train.singleTask;
  if (single !== undefined && !names.includes(single)) {
    const problem = `"${single}" is not a task of this config${didYouMean(single, names)}`;
    if (flags.singleTask) throw new UsageError(`--single-task: ${problem}`);
    throw configError(file, ['train', 'singleTask'], problem);
  }
  const monitor = config.train.earlyStopping?.monitor;
  if (monitor !== undefined && monitor !== 'loss' && monitor !== 'delta_m') {
    const slash = monitor.lastIndexOf('/');
    if (slash <= 0 || slash === monitor.length - 1) {
      throw configError(file, ['train', 'earlyStopping', 'monitor'], `"${monitor}" should be "<task>/<metric>", "loss" or "delta_m"`);
    }
    checkTaskName(names, monitor.slice(0, slash), file, ['train', 'earlyStopping', 'monitor'], 'monitored task');
  }
  for (const task of Object.keys(config.train.baselines ?? {}))
    checkTaskName(names, task, file, ['train', 'baselines', task], 'baseline task');
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});

/** The config field a component's options came from, found by family, name and the options it was given. */
function optionsField(config: RunConfig, e: OptionsError): PropertyKey[] | undefined {
  if (e.family === 'trunk') return ['model', 'trunk', 'options'];
  if (e.family === 'architecture') return ['model', 'architecture', 'options'];
  if (e.family === 'weighting') return ['train', 'weighting', 'options'];
  if (e.family === 'head') {
    const candidates = config.tasks.map((t, i) => [t, i] as const).filter(([t]) => t.head?.type === e.component);
    const match = candidates.find(([t]) => sameJson(t.head?.options, e.options)) ?? candidates[0];
    return match ? ['tasks', match[1], 'head', 'options'] : undefined;
  }
  return undefined;
}

/** Runs `build`; invalid component options become an invalid-config error naming the config file and field. */
export function withConfigFields<T>(config: RunConfig, file: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof OptionsError)) throw e;
    const path = optionsField(config, e);
    if (!path) throw new UsageError(`invalid config: ${file}: ${e.message}`);
    throw new UsageError(`invalid config: ${describeIssues(file, e, path)} (${e.family} "${e.component}")`);
  }
}
