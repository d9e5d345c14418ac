/**
 * polytask-recsys: train | eval | predict | report for CTR/CVR multi-task models (core's CLI contract, recsys data).
 */
import { runDomainCli } from '@polytask/cli';
import { recsysDomain } from '@polytask/recsys';
import { writeReport } from '@polytask/report';

process.exitCode = await runDomainCli(recsysDomain, process.argv, { report: writeReport });
