import type { FeatureConfigInput } from '../features/schema.js';
import type { RecsysDataConfigInput } from './config.js';

/**
 * The 42 fields of census-income-kdd (`census-income.test.gz`, no header, `", "` between fields), in file order.
 * Field 24 is the sampling weight (never a feature); field 41 is the income label (`- 50000.` / `50000+.`).
 */
export const CENSUS_COLUMNS = [
  'age',
  'class_of_worker',
  'detailed_industry_recode',
  'detailed_occupation_recode',
  'education',
  'wage_per_hour',
  'enroll_in_edu_inst_last_wk',
  'marital_stat',
  'major_industry_code',
  'major_occupation_code',
  'race',
  'hispanic_origin',
  'sex',
  'member_of_a_labor_union',
  'reason_for_unemployment',
  'full_or_part_time_employment_stat',
  'capital_gains',
  'capital_losses',
  'dividends_from_stocks',
  'tax_filer_stat',
  'region_of_previous_residence',
  'state_of_previous_residence',
  'detailed_household_and_family_stat',
  'detailed_household_summary_in_household',
  'instance_weight',
  'migration_code_change_in_msa',
  'migration_code_change_in_reg',
  'migration_code_move_within_reg',
  'live_in_this_house_1_year_ago',
  'migration_prev_res_in_sunbelt',
  'num_persons_worked_for_employer',
  'family_members_under_18',
  'country_of_birth_father',
  'country_of_birth_mother',
  'country_of_birth_self',
  'citizenship',
  'own_business_or_self_employed',
  'fill_inc_questionnaire_for_veterans_admin',
  'veterans_benefits',
  'weeks_worked_in_year',
  'year',
  'income',
] as const;

/** Columns that are never features: the two label sources and the instance (sampling) weight. */
export const CENSUS_EXCLUDED = new Set(['marital_stat', 'instance_weight', 'income']);

/** Continuous fields; every other non-excluded field (coded integers included) is categorical. */
export const CENSUS_NUMERIC: Record<string, Omit<Extract<FeatureConfigInput, { type: 'numeric' }>, 'name' | 'type'>> = {
  age: { standardize: true, bucketize: { quantiles: 10 } },
  wage_per_hour: { log: true, standardize: true, bucketize: { quantiles: 10 } },
  capital_gains: { log: true, standardize: true, bucketize: { quantiles: 10 } },
  capital_losses: { log: true, standardize: true, bucketize: { quantiles: 10 } },
  dividends_from_stocks: { log: true, standardize: true, bucketize: { quantiles: 10 } },
  weeks_worked_in_year: { standardize: true, bucketize: { quantiles: 10 } },
};

/** The default features of census-income: every field but the labels and the weight. */
export function censusFeatures(): FeatureConfigInput[] {
  return CENSUS_COLUMNS.filter((c) => !CENSUS_EXCLUDED.has(c)).map((name): FeatureConfigInput => {
    const numeric = CENSUS_NUMERIC[name];
    return numeric ? { name, type: 'numeric', ...numeric } : { name, type: 'categorical', minCount: 5 };
  });
}

/**
 * census-income-kdd, the MMoE benchmark's two tasks: `income` (field 41 is `50000+.`) and `never_married`
 * (field 7 is `Never married`), on a seeded 80/10/10 split of the rows of the one file there is.
 */
export function censusIncomePreset(): Partial<RecsysDataConfigInput> {
  return {
    file: 'census-income.test.gz',
    split: { fractions: { train: 0.8, valid: 0.1, test: 0.1 }, seed: 1 },
    csv: { header: false, columns: [...CENSUS_COLUMNS], delimiter: ',', trim: true },
    missing: ['?', ''],
    features: censusFeatures(),
    labels: {
      income: { column: 'income', positive: ['50000+.', '50000+'] },
      never_married: { column: 'marital_stat', positive: ['Never married'] },
    },
  };
}
