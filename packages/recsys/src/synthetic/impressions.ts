import { Rng } from '@polytask/core';

export interface SyntheticImpressionOptions {
  readonly samples: number;
  readonly users?: number;
  readonly items?: number;
  readonly seed?: number;
  /** Seed of the world (item qualities); impressions drawn with different `seed`s share it. */
  readonly worldSeed?: number;
}

/** One impression: raw feature values (as a CSV or predict record would carry them) and labels. */
export interface SyntheticImpression {
  readonly user: string;
  readonly item: string;
  readonly category: string;
  readonly d1: number;
  readonly d2: number;
  readonly click: number;
  readonly purchase: number;
  /** Ground truth on every impression: whether it would convert if clicked (purchase = click · convert). */
  readonly convert: number;
  /** The true conversion probability of the impression. */
  readonly pCvr: number;
}

export interface SyntheticImpressions {
  readonly rows: SyntheticImpression[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Impressions with a known click and conversion structure and sample-selection bias (the ESMM setting):
 * - every item has a latent quality q ~ N(0, 1), seen by the model only through the item id;
 * - click ~ Bernoulli(σ(−1.5 + 1.5·q + 0.5·d1)): clicks concentrate on good items;
 * - convert ~ Bernoulli(σ(−0.5 + 1.5·q + 1.0·d2)) on EVERY impression (conversion depends on the features among
 *   unclicked impressions too); purchase = click · convert.
 * A CVR model trained on clicked impressions only rarely sees low-quality items (their ids stay untrained) and
 * ranks them badly over the entire space; ESMM learns the item ids from all impressions through CTR/CTCVR.
 */
export function syntheticImpressions(options: SyntheticImpressionOptions): SyntheticImpressions {
  const users = options.users ?? 200;
  const items = options.items ?? 1000;
  const world = new Rng(options.worldSeed ?? 7);
  const quality = Array.from({ length: items }, () => world.normal());
  const rng = new Rng(options.seed ?? 1);
  const rows: SyntheticImpression[] = [];
  for (let i = 0; i < options.samples; i++) {
    const item = rng.int(items);
    const user = rng.int(users);
    const d1 = rng.normal();
    const d2 = rng.normal();
    const q = quality[item]!;
    const click = rng.next() < sigmoid(-1.5 + 1.5 * q + 0.5 * d1) ? 1 : 0;
    const pCvr = sigmoid(-0.5 + 1.5 * q + 1.0 * d2);
    const convert = rng.next() < pCvr ? 1 : 0;
    rows.push({
      user: `u${user}`,
      item: `i${item}`,
      category: `c${item % 20}`,
      d1: Math.round(d1 * 1e4) / 1e4,
      d2: Math.round(d2 * 1e4) / 1e4,
      click,
      purchase: click * convert,
      convert,
      pCvr,
    });
  }
  return { rows };
}
