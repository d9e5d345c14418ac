/**
 * polytask-vision: train | eval | predict | export | report for detection + segmentation models (core's CLI
 * contract, vision data).
 */
import { readFileSync } from 'node:fs';
import { runDomainCli } from '@polytask/cli';
import { writeReport } from '@polytask/report';
import { visionDomain } from '@polytask/vision';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

process.exitCode = await runDomainCli(visionDomain, process.argv, {
  report: writeReport,
  version,
  examples: [
    'polytask-vision train --config node_modules/@polytask/vision-cli/configs/shapes.yaml --out runs/shapes   # synthetic shapes',
    'polytask-vision train --config coco128.yaml --data ../shared/datasets/coco128 --out runs/coco128',
    'polytask-vision eval --model runs/coco128 --data ../shared/datasets/coco128 --split train2017 --out runs/coco128-eval',
    'polytask-vision predict --model runs/shapes --input photos/ --out predictions/   # JSON lines + mask and overlay PNGs',
    'polytask-vision export --model runs/shapes --format tfjs-layers --out exported/   # tfjs-layers model.json + weights.bin',
    'polytask-vision report --run runs/shapes',
    'polytask-vision list   # trunks, heads, task kinds, weightings, metrics and their options',
  ],
});
