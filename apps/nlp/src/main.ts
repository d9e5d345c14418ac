/**
 * polytask-nlp: train | eval | predict | report for joint intent + slot and NER models (core's CLI contract, nlp data).
 */
import { readFileSync } from 'node:fs';
import { runDomainCli } from '@polytask/cli';
import { nlpDomain } from '@polytask/nlp';
import { writeReport } from '@polytask/report';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

process.exitCode = await runDomainCli(nlpDomain, process.argv, {
  report: writeReport,
  version,
  examples: [
    'polytask-nlp train --config node_modules/@polytask/nlp-cli/configs/snips.yaml --data path/to/snips --out runs/snips',
    'polytask-nlp train --config conll2003.yaml --data path/to/conll2003 --out runs/ner',
    'polytask-nlp eval --model runs/ner --data path/to/conll2003 --split valid --out runs/ner-eval   # reads valid.txt',
    'echo "play some jazz on spotify" | polytask-nlp predict --model runs/snips   # raw text, or JSON lines with "text"',
    'polytask-nlp report --run runs/snips',
    'polytask-nlp list   # trunks, heads, task kinds, weightings, metrics and their options',
  ],
});
