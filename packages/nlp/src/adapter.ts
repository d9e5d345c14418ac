import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  collateSamples,
  createTask,
  DataError,
  type DomainAdapter,
  type DomainData,
  type EncodedRecords,
  type Prediction,
  type RunConfig,
  type TaskSpec,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { resolveDataConfig } from './data/config.js';
import { type FrameLabel, loadNlpData } from './data/load.js';
import { type NlpState, parseNlpPreprocessing } from './data/preprocessing.js';
import './register.js';
import { entities } from './tags/entities.js';
import type { NlpTaskContext } from './tasks/context.js';
import { FrameOptions } from './tasks/frame.js';
import type { ClassifiedSentence } from './tasks/sentence-classification.js';
import type { TaggedSentence } from './tasks/tagging.js';
import { type Token, tokenize } from './text/tokenize.js';

type TaskConfigs = RunConfig['tasks'];

/** The joint-frame tasks of a config with the label keys their labels are built from. */
function frameLabels(tasks: TaskConfigs): FrameLabel[] {
  const labelOf = (name: string) => {
    const t = tasks.find((c) => c.name === name);
    return (t?.label as string | undefined) ?? name;
  };
  return tasks
    .filter((t) => t.type === 'frame')
    .map((t) => {
      const o = FrameOptions.parse({ intent: t.intent, slots: t.slots });
      return { key: (t.label as string | undefined) ?? t.name, intent: labelOf(o.intent), slots: labelOf(o.slots) };
    });
}

/** Builds the run's tasks with the nlp context (label names, schemes, sibling tasks for the frame). */
export function buildNlpTasks(tasks: TaskConfigs, state: NlpState): TaskSpec[] {
  const context: NlpTaskContext = { preprocessing: state, tasks: new Map() };
  return tasks.map((c) => {
    const task = createTask(c, context);
    context.tasks.set(task.name, task);
    return task;
  });
}

/** Eval of a trained model reads whatever splits the folder holds (`<name>/seq.in` or `<name>.txt`). */
function discoverSplits(format: 'snips' | 'conll', root: string): string[] {
  if (!existsSync(root)) throw new DataError(root, undefined, undefined, 'data folder not found');
  const entries = readdirSync(root, { withFileTypes: true });
  return format === 'snips'
    ? entries.filter((e) => e.isDirectory() && existsSync(join(root, e.name, 'seq.in'))).map((e) => e.name)
    : entries.filter((e) => e.isFile() && e.name.endsWith('.txt')).map((e) => e.name.slice(0, -4));
}

/** A predict record: the raw text of the line. */
interface TextRecord {
  readonly text: string;
}

function recordText(record: unknown, where: string): string {
  const text = (record as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') throw new DataError(where, undefined, 'text', 'expected a JSON object with a "text" string');
  return text;
}

function tokensOf(text: string, state: NlpState, where: string): Token[] {
  const tokens = tokenize(text, state.prep.tokenizer);
  if (tokens.length === 0) throw new DataError(where, undefined, 'text', 'no tokens in the text');
  return tokens;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Entity spans of decoded tags, with character offsets into the raw text and the mean tag probability. */
function spansOf(v: TaggedSentence, tokens: readonly Token[], text: string): Record<string, unknown>[] {
  return entities(v.tags).map((e) => {
    const start = tokens[e.start]!.start;
    const end = tokens[e.end]!.end;
    const scores = v.scores.slice(e.start, e.end + 1);
    return { type: e.type, text: text.slice(start, end), start, end, score: round4(scores.reduce((a, b) => a + b, 0) / scores.length) };
  });
}

/**
 * The nlp domain: SNIPS/ATIS folders or CoNLL column files (`data`), a text trunk shared by sentence classification
 * (intent), token tagging (slots, NER, POS, chunk; softmax or CRF) and the joint frame. Plug into core's
 * `runDomainCli` for `polytask-nlp`.
 */
export const nlpDomain: DomainAdapter<NlpState> = {
  name: 'nlp',
  sampleNoun: 'sentences',

  async loadData(config: RunConfig, options): Promise<DomainData<NlpState>> {
    const data = resolveDataConfig(config.data, options.configFile);
    const root = options.dataRoot ?? resolve(options.configDir, data.root);
    const saved = options.preprocessing;
    const only = saved ? discoverSplits(data.format, root) : undefined;
    const loaded = loadNlpData(data, { root, configDir: options.configDir, saved, frames: frameLabels(config.tasks), only });
    const tasks = buildNlpTasks(config.tasks, loaded.state);
    const names = Object.keys(loaded.splits);
    const pick = (name: string | undefined) => (name !== undefined && names.includes(name) ? name : undefined);
    return {
      splits: loaded.splits,
      trainSplit: data.trainSplit,
      validSplit: saved ? pick(data.validSplit) : data.validSplit,
      testSplit: saved ? pick(data.testSplit) : data.testSplit,
      tasks,
      preprocessing: loaded.state,
      warnings: loaded.warnings,
    };
  },

  serializePreprocessing: (state) => state.prep,
  parsePreprocessing: parseNlpPreprocessing,
  createTasks: (config, state) => buildNlpTasks(config.tasks, state),

  /** A JSON line needs a `text` field; any other line is the raw text itself. */
  parsePredictLine(line: string): TextRecord {
    if (!line.trimStart().startsWith('{')) return { text: line };
    const record = JSON.parse(line) as unknown;
    if (record === null || typeof record !== 'object' || typeof (record as { text?: unknown }).text !== 'string') {
      throw new Error('a JSON line needs a "text" string field');
    }
    return record as TextRecord;
  },

  encodeRecords(records: unknown[], config: RunConfig, state: NlpState, source: (i: number) => string): EncodedRecords {
    const samples = records.map((r, i) => ({
      inputs: state.encodeWords(tokensOf(recordText(r, source(i)), state, source(i)).map((t) => t.text)),
    }));
    const batch = collateSamples(samples);
    const lengths = Array.from(batch.inputs.lengths!.dataSync());
    const t = batch.inputs.words!.shape[1]!;
    const mask = (offset: number) =>
      tf.tensor2d(
        lengths.flatMap((n) => Array.from({ length: t + offset }, (_, j) => (j < n + offset ? 1 : 0))),
        [lengths.length, t + offset],
      );
    const positionMasks: Record<string, tf.Tensor> = {};
    for (const key of Object.keys(state.prep.tags)) positionMasks[key] = mask(0);
    for (const f of frameLabels(config.tasks)) positionMasks[f.key] = mask(1);
    return { inputs: batch.inputs, positionMasks };
  },

  formatPrediction(prediction: Prediction, record: unknown, state: NlpState, { source }) {
    const text = recordText(record, source);
    const tokens = tokensOf(text, state, source);
    const out: Record<string, unknown> = { text };
    let entityTask: string | undefined;
    for (const [task, value] of Object.entries(prediction)) {
      if (value && typeof value === 'object' && 'label' in value) {
        const v = value as ClassifiedSentence;
        if (out.intent === undefined) {
          out.intent = v.label;
          out.confidence = round4(v.confidence);
        } else out[task] = { label: v.label, confidence: round4(v.confidence) };
      } else if (value && typeof value === 'object' && 'tags' in value) {
        const v = value as TaggedSentence;
        if ((state.prep.tags[task]?.scheme ?? 'iob2') === 'none') {
          out[task] = v.tags;
          continue;
        }
        // The first entity tagger's spans are `entities`; auxiliary ones (chunks) keep their task's name.
        entityTask ??= task;
        out[task === entityTask ? 'entities' : task] = spansOf(v, tokens, text);
      }
    }
    out.entities ??= [];
    return out;
  },
};
