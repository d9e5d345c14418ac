import { type TaskBuildContext, type TaskSpec, UsageError } from '@polytask/core';
import { NlpState } from '../data/preprocessing.js';

/** What the nlp task kinds are built with: the fitted preprocessing and the sibling tasks (the joint frame reads them). */
export interface NlpTaskContext extends TaskBuildContext {
  readonly preprocessing: NlpState;
  /** Every task of the run by name, filled as they are built. */
  readonly tasks: Map<string, TaskSpec>;
}

/** The nlp context of a task build, or a clear error when a task kind of this package is used outside the nlp domain. */
export function nlpContext(task: string, context: TaskBuildContext | undefined): NlpTaskContext {
  if (!(context?.preprocessing instanceof NlpState)) {
    throw new UsageError(`task "${task}": nlp task kinds need the nlp domain's preprocessing (build them with the nlp adapter)`);
  }
  return context as NlpTaskContext;
}

/** Checks that the data carries a label key of the wanted kind. */
export function requireLabel(task: string, key: string, state: NlpState, kind: 'tags' | 'classes'): void {
  const present = kind === 'tags' ? state.prep.tags : state.prep.classes;
  if (present[key]) return;
  const have = Object.keys(present);
  throw new UsageError(
    `task "${task}" needs ${kind === 'tags' ? 'per-token tags' : 'sentence labels'} "${key}", but the data has ${have.length > 0 ? have.join(', ') : 'none'}`,
  );
}
