/**
 * polytask-recsys: train | eval | predict | report for CTR/CVR multi-task models (core's CLI contract, recsys data).
 */
import { readFileSync } from 'node:fs';
import { runDomainCli } from '@polytask/cli';
import { recsysDomain } from '@polytask/recsys';
import { writeReport } from '@polytask/report';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

process.exitCode = await runDomainCli(recsysDomain, process.argv, {
  report: writeReport,
  version,
  examples: [
    'polytask-recsys train --config node_modules/@polytask/recsys-cli/configs/demo.yaml --data datasets/recsys/demo --out runs/demo',
    'polytask-recsys train --config census.yaml --out runs/mmoe --single-task income   # a single-task baseline',
    'polytask-recsys eval --model runs/demo --data datasets/recsys/demo --split test --out runs/demo-eval',
    'polytask-recsys predict --model runs/demo --input impressions.jsonl   # one JSON object per line, keyed by CSV column',
    'polytask-recsys report --run runs/demo',
    'polytask-recsys list   # trunks, architectures, heads, task kinds, weightings, metrics and their options',
  ],
});
