import { pairLabel } from './cosines.js';
import { CHART_NAMES, type ChartName, type ReportSummary } from './summary.js';

const CHART_TITLES: Record<ChartName, { title: string; alt: string; reading: string }> = {
  loss: {
    title: 'Loss',
    alt: 'Training loss per task over steps, raw and smoothed, with validation loss per epoch',
    reading: 'Training loss per task (faint: raw, bold: EMA-smoothed) and, where logged, validation loss at each epoch end.',
  },
  weights: {
    title: 'Task weights',
    alt: 'Task weights over steps',
    reading: 'The weight the weighting method gave each task’s loss at each step.',
  },
  conflict: {
    title: 'Gradient conflict',
    alt: 'Pairwise cosine between task gradients',
    reading: 'Cosine between task gradients on the shared parameters: near 1 the tasks agree, below 0 they pull apart.',
  },
  metrics: {
    title: 'Validation metrics',
    alt: 'Validation metrics per epoch, one panel per task',
    reading: 'Validation metrics after each epoch, one panel per task.',
  },
};

/** Compact, readable number: 4 significant digits, no exponent for ordinary magnitudes. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(2);
  if (a >= 1000) return v.toLocaleString('en-US', { maximumFractionDigits: 1 });
  return String(Number(v.toPrecision(4)));
}

export function formatSeconds(s: number): string {
  if (s < 90) return `${formatNumber(Math.round(s * 10) / 10)} s`;
  const m = Math.floor(s / 60);
  if (m < 90) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[], numeric = true): string {
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 || !numeric ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

function get(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** Facts worth a glance from `config.resolved.json` (whatever of them is there). */
export function configFacts(config: Readonly<Record<string, unknown>> | undefined): [string, string][] {
  if (!config) return [];
  const facts: [string, string][] = [];
  const add = (label: string, value: string | undefined) => {
    if (value !== undefined) facts.push([label, value]);
  };
  add('weighting', scalar(get(config, 'train.weighting.name')));
  add('gradient mode', scalar(get(config, 'train.gradientMode')));
  add('architecture', scalar(get(config, 'model.architecture.type')));
  add('trunk', scalar(get(config, 'model.trunk.type')));
  const optimizer = scalar(get(config, 'train.optimizer.name'));
  const lr = scalar(get(config, 'train.optimizer.lr'));
  add('optimizer', optimizer && (lr ? `${optimizer}, lr ${lr}` : optimizer));
  add('schedule', scalar(get(config, 'train.schedule.name')));
  add('batch size', scalar(get(config, 'train.batchSize')));
  add('seed', scalar(get(config, 'seed')));
  const tasks = get(config, 'tasks');
  if (Array.isArray(tasks)) {
    const described = tasks.flatMap((t) => {
      const name = scalar(get(t, 'name'));
      const type = scalar(get(t, 'type'));
      return name ? [type ? `${name} (${type})` : name] : [];
    });
    if (described.length > 0) add('tasks', described.join(', '));
  }
  return facts;
}

export interface MarkdownInput {
  readonly summary: ReportSummary;
  readonly config?: Readonly<Record<string, unknown>>;
  /** Notes shown under a chart (e.g. "weights constant"). */
  readonly notes?: Partial<Record<ChartName, string>>;
}

function highlights(s: ReportSummary): string[] {
  const out: string[] = [];
  if (s.bestEpoch !== null) {
    let line = `Best epoch **${s.bestEpoch}** of ${s.epochs}`;
    if (s.monitor) {
      const [task, ...rest] = s.monitor.split('/');
      const metric = rest.join('/');
      const v = task !== undefined && metric ? s.bestEpochValidation?.[task]?.[metric] : undefined;
      line += ` (monitor \`${s.monitor}\`${v === undefined ? '' : ` = ${formatNumber(v)} on validation`})`;
    }
    out.push(`${line}.`);
  }
  if (s.cosines.length > 0) {
    const worst = [...s.cosines].sort((a, b) => a.mean - b.mean)[0]!;
    const verdict = worst.mean < 0 ? 'conflicting on average' : worst.mean < 0.2 ? 'nearly orthogonal' : 'aligned';
    out.push(
      `${s.cosines.length > 1 ? 'Most conflicting task pair' : 'Task gradients'}: **${pairLabel(worst.a, worst.b)}**, mean gradient cosine ${formatNumber(worst.mean)} ` +
        `(${verdict}; negative on ${Math.round(worst.negativeFraction * 100)}% of ${worst.samples} logged steps).`,
    );
  }
  const weights = Object.entries(s.finalWeights);
  if (weights.length > 0) out.push(`Final task weights: ${weights.map(([t, w]) => `${t} ${formatNumber(w)}`).join(', ')}.`);
  return out;
}

/** The text of `report.md`; chart images are referenced by file name (they sit beside it). */
export function buildMarkdown({ summary: s, config, notes = {} }: MarkdownInput): string {
  const parts: string[] = [`# Run report: ${s.run}`, ''];
  const hl = highlights(s);
  if (hl.length > 0) parts.push(...hl.map((h) => `- ${h}`), '');

  parts.push('## Final metrics', '');
  const tasks = Object.keys(s.finalMetrics);
  if (tasks.length === 0) {
    parts.push('_No final metrics: metrics.json is missing and history.jsonl has no validation metrics._', '');
  } else {
    const metrics = [...new Set(tasks.flatMap((t) => Object.keys(s.finalMetrics[t] ?? {})))];
    const [monTask, ...monRest] = s.monitor?.split('/') ?? [];
    const monMetric = monRest.join('/');
    const rows = tasks.map((t) => [
      t,
      ...metrics.map((m) => {
        const v = s.finalMetrics[t]?.[m];
        const text = v === undefined ? '' : formatNumber(v);
        return t === monTask && m === monMetric && text !== '' ? `**${text}**` : text;
      }),
    ]);
    parts.push(`On the **${s.finalMetricsSplit}** split${s.monitor ? ` (bold: the monitored metric)` : ''}.`, '');
    parts.push(table(['task', ...metrics], rows), '');
  }

  parts.push('## Run', '');
  const facts: [string, string][] = [];
  if (s.finalMetricsSplit) facts.push(['metrics split', s.finalMetricsSplit]);
  facts.push(['epochs', String(s.epochs)], ['steps', s.steps.toLocaleString('en-US')]);
  if (s.bestEpoch !== null) facts.push(['best epoch', String(s.bestEpoch)]);
  if (s.monitor) facts.push(['monitor', `\`${s.monitor}\``]);
  if (s.backend) facts.push(['backend', s.backend]);
  if (s.seconds !== null) facts.push(['wall time', formatSeconds(s.seconds)]);
  facts.push(...configFacts(config));
  parts.push(table(['', 'value'], facts, false), '');

  for (const name of CHART_NAMES) {
    const info = CHART_TITLES[name];
    const outcome = s.charts[name];
    parts.push(`## ${info.title}`, '');
    if ('file' in outcome) {
      parts.push(info.reading, '', `![${info.alt}](${outcome.file})`, '');
      if (name === 'conflict' && s.cosines.length > 0) {
        parts.push(
          table(
            ['task pair', 'mean cosine', 'min', 'max', 'negative', 'logged steps'],
            s.cosines.map((p) => [
              pairLabel(p.a, p.b),
              formatNumber(p.mean),
              formatNumber(p.min),
              formatNumber(p.max),
              `${Math.round(p.negativeFraction * 100)}%`,
              String(p.samples),
            ]),
          ),
          '',
        );
      }
      const note = notes[name];
      if (note) parts.push(`_${note}_`, '');
    } else {
      parts.push(`_Chart skipped: ${outcome.skipped}_`, '');
    }
  }

  if (s.warnings.length > 0) parts.push('## Warnings', '', ...s.warnings.map((w) => `- ${w}`), '');
  parts.push('_Numbers: summary.json in this folder._', '');
  return parts.join('\n');
}
