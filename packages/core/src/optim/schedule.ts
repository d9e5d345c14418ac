import type { ScheduleConfig } from '../config/run-config.js';

/** Learning rate at a step: warm-up, then constant, step decay (per epoch) or cosine decay (over all steps). */
export function learningRate(base: number, s: ScheduleConfig, at: { step: number; epoch: number; totalSteps: number }): number {
  if (s.warmupSteps > 0 && at.step < s.warmupSteps) return (base * (at.step + 1)) / s.warmupSteps;
  switch (s.name) {
    case 'constant':
      return base;
    case 'step':
      return base * s.gamma ** Math.floor(at.epoch / s.stepEpochs);
    case 'cosine': {
      const span = Math.max(1, at.totalSteps - s.warmupSteps);
      const progress = Math.min(1, (at.step - s.warmupSteps) / span);
      return base * (s.minFactor + (1 - s.minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
  }
}
