import { type CapturedRun, runCaptured } from '@polytask/cli';
import { visionDomain } from '@polytask/vision';

/** Runs `polytask-vision ARGS` in this process (as the bin does), capturing what it writes. For the app's tests. */
export const cli = (...args: string[]): Promise<CapturedRun> => runCaptured(visionDomain, args);
