import { type CapturedRun, runCaptured } from '@polytask/cli';
import { recsysDomain } from '@polytask/recsys';

/** Runs `polytask-recsys ARGS` in this process (as the bin does), capturing what it writes. For the app's tests. */
export const cli = (...args: string[]): Promise<CapturedRun> => runCaptured(recsysDomain, args);
