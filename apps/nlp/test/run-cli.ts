import { type CapturedRun, runCaptured } from '@polytask/cli';
import { nlpDomain } from '@polytask/nlp';

/** Runs `polytask-nlp ARGS` in this process (as the bin does), capturing what it writes. For the app's tests. */
export const cli = (...args: string[]): Promise<CapturedRun> => runCaptured(nlpDomain, args);
