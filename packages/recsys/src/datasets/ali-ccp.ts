import type { FeatureConfigInput } from '../features/schema.js';
import type { RecsysDataConfigInput } from './config.js';

/** The 23 label-encoded sparse fields of the Ali-CCP extract (torch-rechub / AITM preprocessing). */
export const ALI_CCP_SPARSE = [
  '101',
  '121',
  '122',
  '124',
  '125',
  '126',
  '127',
  '128',
  '129',
  '205',
  '206',
  '207',
  '210',
  '216',
  '508',
  '509',
  '702',
  '853',
  '301',
  '109_14',
  '110_14',
  '127_14',
  '150_14',
] as const;

/** The 8 pre-normalised dense fields. */
export const ALI_CCP_DENSE = ['D109_14', 'D110_14', 'D127_14', 'D150_14', 'D508', 'D509', 'D702', 'D853'] as const;

export function aliCcpFeatures(): FeatureConfigInput[] {
  return [
    ...ALI_CCP_SPARSE.map((name): FeatureConfigInput => ({ name: `f${name}`, column: name, type: 'categorical', minCount: 1 })),
    // already normalised upstream: pass through, missing → 0
    ...ALI_CCP_DENSE.map((name): FeatureConfigInput => ({ name, type: 'numeric', standardize: false, missing: 'zero' })),
  ];
}

/**
 * Ali-CCP sample (torch-rechub): train/val/test files; ESMM's tasks `ctr` (click, all impressions), `cvr`
 * (purchase, scored on clicked impressions only) and `ctcvr` (purchase over all impressions).
 */
export function aliCcpPreset(): Partial<RecsysDataConfigInput> {
  return {
    files: { train: 'ali_ccp_train_sample.csv', val: 'ali_ccp_val_sample.csv', test: 'ali_ccp_test_sample.csv' },
    csv: { header: true, delimiter: ',' },
    features: aliCcpFeatures(),
    labels: {
      ctr: { column: 'click' },
      cvr: { column: 'purchase', mask: { column: 'click' } },
      ctcvr: { column: 'purchase' },
    },
  };
}
