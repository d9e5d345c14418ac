import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../util/errors.js';
import { loadConfigFile } from './load-config.js';
import { RunConfig } from './run-config.js';

const dir = mkdtempSync(join(tmpdir(), 'polytask-config-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('loadConfigFile', () => {
  it('fills defaults', () => {
    const c = loadConfigFile(file('ok.yaml', 'tasks: [{name: a}]\nmodel: {trunk: {type: mlp}}\n'), RunConfig);
    expect(c.train.weighting.name).toBe('EW');
    expect(c.train.optimizer.lr).toBe(1e-3);
    expect(c.tasks[0]!.type).toBe('binary');
    expect(c.model.architecture.type).toBe('hard');
  });

  it('names the file and the field of an invalid value (exit code 2)', () => {
    const p = file('bad.yaml', 'tasks: [{name: a}]\nmodel: {trunk: {type: mlp}}\ntrain: {epochs: -1}\n');
    expect(() => loadConfigFile(p, RunConfig)).toThrow(UsageError);
    expect(() => loadConfigFile(p, RunConfig)).toThrow(/bad\.yaml: field "train\.epochs"/);
    try {
      loadConfigFile(p, RunConfig);
    } catch (e) {
      expect((e as UsageError).exitCode).toBe(2);
    }
  });

  it('names the line of a YAML syntax error', () => {
    const p = file('syntax.yaml', 'tasks:\n  - name: a\n model: [\n');
    expect(() => loadConfigFile(p, RunConfig)).toThrow(/syntax\.yaml:\d+/);
  });

  it('names an unknown key by its field path with the nearest known key, at any depth', () => {
    const p = file(
      'keys.yaml',
      'tasks: [{name: a}, {name: a}]\nmodel: {trunk: {type: mlp}}\ntrain: {epoch: 5, optimizer: {lrate: 1}}\nbogusKey: 1\n',
    );
    let message = '';
    try {
      loadConfigFile(p, RunConfig);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('keys.yaml: field "train.epoch": unknown field; did you mean "epochs"?');
    expect(message).toContain('keys.yaml: field "train.optimizer.lrate": unknown field (expected: name, lr, weightDecay');
    expect(message).toContain('keys.yaml: field "bogusKey": unknown field (expected: seed, data, tasks, model, train)');
  });

  it('rejects duplicate task names', () => {
    const p = file('dup.yaml', 'tasks: [{name: a}, {name: a}]\nmodel: {trunk: {type: mlp}}\n');
    expect(() => loadConfigFile(p, RunConfig)).toThrow(
      'dup.yaml: field "tasks[1].name": task name "a" is also tasks[0]\'s; task names must be unique',
    );
  });
});
