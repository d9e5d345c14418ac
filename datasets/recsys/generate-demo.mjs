#!/usr/bin/env node
// Deterministic generator of the recsys demo fixture: datasets/recsys/demo/{train,valid,test}.csv.
// Synthetic impressions with a known click → purchase structure (see README.md). Same output on every run:
//   node datasets/recsys/generate-demo.mjs [OUT_DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'demo');

// mulberry32: a tiny seeded PRNG, so the files are byte-identical across runs and platforms
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const world = rng(2024);
const normal = (r) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const sigmoid = (z) => 1 / (1 + Math.exp(-z));

const USERS = 300;
const ITEMS = 400;
const CATEGORIES = 12;
const TAGS = 20;
// latent structure: item quality, user affinity to each category, tag appeal
const quality = Array.from({ length: ITEMS }, () => normal(world));
const itemCategory = Array.from({ length: ITEMS }, () => Math.floor(world() * CATEGORIES));
const itemPrice = Array.from({ length: ITEMS }, () => Math.round(Math.exp(2 + 1.2 * normal(world)) * 100) / 100);
const itemTags = Array.from({ length: ITEMS }, () => {
  const n = 1 + Math.floor(world() * 3);
  return [...new Set(Array.from({ length: n }, () => Math.floor(world() * TAGS)))];
});
const tagAppeal = Array.from({ length: TAGS }, () => 0.6 * normal(world));
const affinity = Array.from({ length: USERS }, () => Array.from({ length: CATEGORIES }, () => normal(world)));
const userAge = Array.from({ length: USERS }, () => (world() < 0.1 ? null : 18 + Math.floor(world() * 50)));

function impressions(n, seed) {
  const r = rng(seed);
  const rows = ['user_id,item_id,category,tags,price,age,hour,click,purchase'];
  for (let i = 0; i < n; i++) {
    const u = Math.floor(r() * USERS);
    const it = Math.floor(r() * ITEMS);
    const c = itemCategory[it];
    const hour = Math.floor(r() * 24);
    const evening = hour >= 18 && hour <= 23 ? 1 : 0;
    const tagScore = itemTags[it].reduce((s, t) => s + tagAppeal[t], 0);
    const clickLogit = -1.6 + 0.9 * affinity[u][c] + 0.7 * quality[it] + tagScore + 0.4 * evening;
    const click = r() < sigmoid(clickLogit) ? 1 : 0;
    const age = userAge[u];
    const cvrLogit = -0.8 + 1.0 * quality[it] - 0.6 * Math.log(itemPrice[it] / 7) + (age === null ? 0 : 0.02 * (age - 40));
    const purchase = click === 1 && r() < sigmoid(cvrLogit) ? 1 : 0;
    const tags = itemTags[it].map((t) => `t${t}`).join('|');
    rows.push([`u${u}`, `i${it}`, `c${c}`, tags, itemPrice[it], age ?? '?', hour, click, purchase].join(','));
  }
  return `${rows.join('\n')}\n`;
}

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'train.csv'), impressions(4000, 1));
writeFileSync(join(out, 'valid.csv'), impressions(1000, 2));
writeFileSync(join(out, 'test.csv'), impressions(1000, 3));
process.stdout.write(`wrote ${out}/{train,valid,test}.csv\n`);
