import type * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../config/run-config.js';
import type { Dataset } from '../data/dataset.js';
import type { Prediction } from '../io/load-model.js';
import type { TaskSpec } from '../tasks/task-spec.js';
import type { Inputs } from '../trunk/trunk.js';

/** The data of one run: named splits (as the dataset names them) and the tasks built for it. */
export interface DomainData<P = unknown> {
  readonly splits: Record<string, Dataset>;
  /** Which split trains, which selects the best epoch, which reports final metrics (names in `splits`). */
  readonly trainSplit: string;
  readonly validSplit?: string;
  readonly testSplit?: string;
  readonly tasks: TaskSpec[];
  /**
   * Everything fitted on the training data that inference needs (vocabularies, scalers, label maps). Saved into the
   * model folder (`serializePreprocessing`) and handed back for eval and predict (`parsePreprocessing`).
   */
  readonly preprocessing: P;
  /**
   * What the data lets the run measure badly or not at all (a constant label, say), in words naming the file and
   * column; the CLI logs them and lists them in metrics.json's `warnings`. Problems that make a run meaningless are
   * errors instead.
   */
  readonly warnings?: readonly string[];
}

export interface LoadDataOptions<P = unknown> {
  /** Directory of the config file; relative paths in the config resolve against it. */
  readonly configDir: string;
  /** The file the config came from (the config, or a trained model's model.json), for error messages. */
  readonly configFile?: string;
  /** `--data DIR`: replaces the dataset root named in the config. */
  readonly dataRoot?: string;
  /** Saved preprocessing of a trained model: reuse it instead of fitting (eval). */
  readonly preprocessing?: P;
}

/**
 * What a domain package supplies to get the standard `train | eval | predict` app
 * (see `runDomainCli`). Everything else (model, trainer, checkpoints, metrics.json) is core's.
 */
export interface DomainAdapter<P = unknown> {
  /** App name suffix: `polytask-<name>`. */
  readonly name: string;
  /** Reads and prepares the data named by `config.data`. Errors name the file, line and field. */
  loadData(config: RunConfig, options: LoadDataOptions<P>): Promise<DomainData<P>>;
  /** The preprocessing as JSON for model.json. */
  serializePreprocessing(preprocessing: P): unknown;
  /** Validates the JSON read back from model.json (`file` names it for errors) into the domain's preprocessing. */
  parsePreprocessing(json: unknown, file: string): P;
  /** Tasks of a trained model, rebuilt from its config and saved preprocessing (predict needs no data). */
  createTasks(config: RunConfig, preprocessing: P): TaskSpec[];
  /**
   * Raw records (parsed `predict` input lines) → model inputs, with the saved preprocessing; may read files (images).
   * `source` names where record i came from (`file:line`) for error messages.
   */
  encodeRecords(
    records: unknown[],
    config: RunConfig,
    preprocessing: P,
    source: (i: number) => string,
  ): EncodedRecords | Promise<EncodedRecords>;
  /**
   * One `predict` input line → a raw record, for inputs that are not JSON lines (a sentence of text, an image path).
   * Default: the line parsed as JSON.
   */
  parsePredictLine?(line: string): unknown;
  /**
   * The lines to predict when `--input` names something other than a file of lines (a folder of images, one image);
   * undefined: read the file's lines.
   */
  predictInputLines?(input: string): string[] | undefined;
  /**
   * A record's decoded predictions (by task) → the output object `predict` writes, naming things from the
   * preprocessing (spans in the raw text, boxes with class names); may write files under `context.outDir`.
   * Default: the predictions as they are.
   */
  formatPrediction?(
    prediction: Prediction,
    record: unknown,
    preprocessing: P,
    context: FormatContext,
  ): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** What one sample is, plural, for throughput (`sentences` → sentences/s); default `samples`. */
  readonly sampleNoun?: string;
}

/** Model inputs of raw records, with the per-position masks their tasks' decode reads (real tokens of padded text). */
export interface EncodedRecords {
  readonly inputs: Inputs;
  /** By task label key, each of the task's label shape ([B, T]): 1 = a real position. */
  readonly positionMasks?: Record<string, tf.Tensor>;
}

export interface FormatContext {
  /** Where files a prediction writes go (`predict --out DIR`); undefined when none was given. */
  readonly outDir?: string;
  /** Where the record came from (`file:line`), for messages and file names. */
  readonly source: string;
}
