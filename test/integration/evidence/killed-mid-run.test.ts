import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultsDocument } from '../../../src/evidence/results-document.js';
import { schemaValidator, tempDir } from '../../unit/evidence/support.js';
import { bundle, runNode } from './bundle.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('results file after SIGKILL', () => {
  it('holds the latest state: finished actions, the one in flight, status running', async () => {
    const dir = await tempDir();
    const script = await bundle(join(here, 'fixtures', 'killed-mid-run.ts'), dir);
    const path = join(dir, 'out', 'results.json');
    const run = await runNode(script, [path]);
    expect(run.signal).toBe('SIGKILL');
    const doc = JSON.parse(await readFile(path, 'utf8')) as ResultsDocument;
    const validate = await schemaValidator('results');
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc).toMatchObject({ status: 'running', exit_code: null });
    expect(doc.actions.map((a) => a.status)).toEqual(['succeeded', 'planned', 'skipped']);
    expect(doc.actions[0]?.outputs).toEqual({ run_id: 11 });
    expect(await readdir(dirname(path))).toEqual(['results.json']);
  });
});
