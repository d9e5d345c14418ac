#!/usr/bin/env node
// Writes data/seasonal.csv: an hourly series with a daily and a weekly cycle, a slow trend and Gaussian noise
// (σ = 0.3), seeded, so the data has a known best one-step forecast (the noiseless signal, MSE = σ² = 0.09).
// Usage: node scripts/generate.mjs [hours=2400] [seed=7]
import { writeFileSync } from 'node:fs';

const hours = Number(process.argv[2] ?? 2400);
let state = Number(process.argv[3] ?? 7) >>> 0;
/** mulberry32: a small seeded uniform generator. */
const uniform = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());

const rows = ['hour,load'];
for (let t = 0; t < hours; t++) {
  const signal = 10 + 3 * Math.sin((2 * Math.PI * t) / 24) + 1.5 * Math.sin((2 * Math.PI * t) / 168) + 0.001 * t;
  rows.push(`${t},${(signal + 0.3 * normal()).toFixed(4)}`);
}
writeFileSync(new URL('../data/seasonal.csv', import.meta.url), `${rows.join('\n')}\n`);
