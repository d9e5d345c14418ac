import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('@polytask/core/browser', () => {
  it('bundles for the browser: no node: module (nor anything that needs one) is reachable from it', async () => {
    const result = await build({
      entryPoints: [join(import.meta.dirname, 'browser.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // tfjs is the user's (a peer dependency) and runs in browsers; everything else of core's is bundled.
      external: ['@tensorflow/tfjs'],
    });
    expect(result.errors).toEqual([]);
    // Whatever the bundle still imports: tfjs only (a node: import would fail the build on platform "browser").
    const external = Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((i) => i.external).map((i) => i.path));
    expect([...new Set(external)]).toEqual(['@tensorflow/tfjs']);
    expect(Object.keys(result.metafile.inputs).filter((file) => /trainer|checkpoint|load-config|select-backend/.test(file))).toEqual([]);
  });

  it('registers the built-in components when imported on its own', async () => {
    const browser = await import('./browser.js');
    expect(browser.weightingRegistry.names()).toContain('PCGrad');
    expect(browser.architectureRegistry.names()).toContain('mmoe');
  });
});
