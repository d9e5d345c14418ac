import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadNativeKernels } from './native.js';
import { resetBackendSelection, selectBackend } from './select-backend.js';

afterEach(() => {
  resetBackendSelection();
  delete process.env.POLYTASK_BACKEND;
});

describe('selectBackend', () => {
  it('picks the embedded default, logs one line, and is idempotent', async () => {
    const lines: string[] = [];
    const log = (m: string) => lines.push(m);
    const info = await selectBackend({ log });
    expect(['wasm', 'cpu', 'tensorflow']).toContain(info.name);
    expect(tf.getBackend()).toBe(info.name);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`backend: ${info.name}`);
    expect(lines[0]).toMatch(/native kernels: (oneDNN|OpenBLAS|off|not needed)/);
    const again = await selectBackend({ log });
    expect(again).toBe(info);
    expect(lines).toHaveLength(1);
  });

  it('honours POLYTASK_BACKEND and the explicit option over it', async () => {
    process.env.POLYTASK_BACKEND = 'cpu';
    const lines: string[] = [];
    expect((await selectBackend({ log: (m) => lines.push(m) })).name).toBe('cpu');
    const wasm = await selectBackend({ backend: 'wasm', log: (m) => lines.push(m) });
    expect(wasm.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(2);
    process.env.POLYTASK_BACKEND = '';
    expect((await selectBackend({ log: () => {} })).name).toBe('wasm'); // empty = unset = auto (the embedded default)
  });

  it('explains how to get a backend that is not installed, and rejects unknown names', async () => {
    await expect(selectBackend({ backend: 'tensorflow', log: () => {} })).rejects.toThrow(/npm install @tensorflow\/tfjs-node/);
    await expect(selectBackend({ backend: 'tensorflow-gpu', log: () => {} })).rejects.toThrow(/tfjs-node-gpu/);
    await expect(selectBackend({ backend: 'webgpu', log: () => {} })).rejects.toThrow(/unknown backend 'webgpu'.*wasm, cpu/);
  });

  it('serialises concurrent calls: each answer is what was active when it returned, the last call wins', async () => {
    const lines: string[] = [];
    const log = (m: string) => lines.push(m);
    const requests = ['cpu', 'wasm', 'cpu', 'wasm', 'wasm'];
    const active: string[] = [];
    const infos = await Promise.all(
      requests.map((backend) =>
        selectBackend({ backend, log }).then((info) => {
          active.push(tf.getBackend());
          return info;
        }),
      ),
    );
    expect(infos.map((i) => i.name)).toEqual(requests);
    expect(active).toEqual(requests);
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(4);
  });

  it('reports which native kernels are active consistently with the addon and POLYTASK_KERNELS', async () => {
    const info = await selectBackend({ backend: 'wasm', log: () => {} });
    const { kernels } = await loadNativeKernels();
    const expected = !kernels ? 'none' : kernels.info().onednn ? 'onednn' : 'blas';
    expect(info.fastKernels).toBe(expected);
    expect(info.detail).toMatch(
      { onednn: /native kernels: oneDNN \d/, blas: /native kernels: OpenBLAS .*oneDNN: off/, none: /native kernels: off/ }[expected],
    );
    const path = process.env.POLYTASK_KERNELS?.trim().toLowerCase();
    if (path === 'none') expect(info.fastKernels).toBe('none');
    if (path === 'openblas') expect(info.fastKernels).not.toBe('onednn');
  });
});
