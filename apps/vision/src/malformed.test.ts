// A hostile but fair user: malformed configs, image files, label files and predict inputs. Each case asserts the exit
// code and one error line naming the file / line / field, with no stack trace.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CapturedRun } from '@polytask/cli';
import { writePng } from '@polytask/vision';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../test/run-cli.js';
import { type Config, shapesFolder, smallConfig, writeConfig } from '../test/shapes-fixture.js';

const work = mkdtempSync(join(tmpdir(), 'vision-malformed-'));
let good: string;
let counter = 0;

beforeAll(async () => {
  good = await shapesFolder(8, 4);
});

/** The one error line of a failed run; asserts there is exactly one and no stack trace. */
function errorLine(run: CapturedRun): string {
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('polytask-vision: error: '));
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

/** A copy of the good folder, changed by `edit`. */
function folder(edit: (root: string) => void): string {
  const root = join(work, `data-${++counter}`);
  cpSync(good, root, { recursive: true });
  edit(root);
  return root;
}

function config(edit: (c: Config) => void = () => {}, root = good): string {
  const c = smallConfig(root);
  c.train.epochs = 1;
  edit(c);
  return writeConfig(join(work, `config-${++counter}.yaml`), c);
}

const train = (cfg: string) => cli('train', '--config', cfg, '--out', join(work, `out-${++counter}`));

describe('malformed configs (exit 2, naming the config file and field)', () => {
  it('an image size that the backbone cannot divide', async () => {
    const cfg = config((c) => {
      c.data.imageSize = 100;
    });
    const line = errorLine(await train(cfg));
    expect(line).toContain(cfg);
    expect(line).toContain('field "data.imageSize": the image size must be a multiple of 16');
  });

  it('an unknown data format and a misspelled key', async () => {
    const run = await train(
      config((c) => {
        c.data.format = 'yolo';
      }),
    );
    expect(run.code).toBe(2);
    expect(errorLine(run)).toMatch(/field "data\.format"/);
    const typo = await train(
      config((c) => {
        c.data.imagesize = 64;
      }),
    );
    expect(typo.code).toBe(2);
    expect(errorLine(typo)).toMatch(/data.*imagesize/);
  });

  it('an unknown class in data.classes, with the closest known name', async () => {
    const cfg = config((c) => {
      c.data.classes = ['circle', 'sqare'];
    });
    const run = await train(cfg);
    expect(run.code).toBe(2);
    expect(errorLine(run)).toContain(`${cfg}: field "data.classes": unknown class "sqare"; did you mean "square"?`);
  });

  it('a task the vision data has no labels for', async () => {
    const run = await train(
      config((c) => {
        c.tasks.push({ name: 'depth', type: 'regression' });
      }),
    );
    expect(run.code).toBe(2);
    expect(errorLine(run)).toMatch(/task "depth" \(regression\) reads labels "depth"/);
  });
});

describe('malformed data (exit 1, naming the file, line and field)', () => {
  it('a corrupt image file', async () => {
    const root = folder((r) => writeFileSync(join(r, 'images', 'train2017', '000003.png'), 'not a png at all'));
    const run = await train(config(() => {}, root));
    expect(run.code).toBe(1);
    expect(errorLine(run)).toMatch(new RegExp(`${join(root, 'images', 'train2017', '000003.png')}: cannot decode the image`));
  });

  it('a bad box line', async () => {
    const root = folder((r) =>
      writeFileSync(join(r, 'object_detection', 'labels', 'train2017', '000002.txt'), '0 0.5 0.5 0.2 0.2\n1 0.5 x 0.2 0.2\n'),
    );
    const run = await train(config(() => {}, root));
    expect(run.code).toBe(1);
    expect(errorLine(run)).toContain(
      `${join(root, 'object_detection', 'labels', 'train2017', '000002.txt')}, line 2, field "cy": not a number: "x"`,
    );
  });

  it('a class id the dataset does not name', async () => {
    const root = folder((r) => writeFileSync(join(r, 'object_detection', 'labels', 'val2017', '000009.txt'), '5 0.5 0.5 0.2 0.2\n'));
    const run = await train(config(() => {}, root));
    expect(run.code).toBe(1);
    expect(errorLine(run)).toContain(
      `${join(root, 'object_detection', 'labels', 'val2017', '000009.txt')}, line 1, field "class": unknown class id 5`,
    );
  });

  it('a mask of another size than its image', async () => {
    const root = folder(() => {});
    await writePng(
      join(root, 'semantic_segmentation', 'masks', 'train2017', '000001.png'),
      { data: new Uint8Array([1]), width: 1, height: 1 },
      1,
    );
    const run = await train(config(() => {}, root));
    expect(run.code).toBe(1);
    expect(errorLine(run)).toContain(
      `${join(root, 'semantic_segmentation', 'masks', 'train2017', '000001.png')}: the mask is 1×1, its image 64×64`,
    );
  });
});

describe('malformed predict input (an error record per bad line, exit 1)', () => {
  it('names the corrupt or missing image and predicts the others', async () => {
    const out = join(work, 'model-run');
    expect((await cli('train', '--config', config(), '--out', out)).code).toBe(0);
    const bad = join(work, 'corrupt.png');
    writeFileSync(bad, 'garbage');
    const input = join(work, 'lines.txt');
    writeFileSync(input, [join(good, 'images', 'val2017', '000008.png'), bad, join(work, 'missing.png'), '{"image": 3}'].join('\n'));
    const run = await cli('predict', '--model', out, '--input', input);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('3 of 4 input lines failed');
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]!.detection).toBeDefined();
    expect(lines[1]).toEqual({ line: 2, error: expect.stringContaining(`${bad}: cannot decode the image`) });
    expect(lines[2]).toEqual({ line: 3, error: `${join(work, 'missing.png')}: no such image file` });
    expect(lines[3]).toEqual({ line: 4, error: `${input}:4, field "image": expected an image path` });
  });
});
