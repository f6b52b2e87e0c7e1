import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shippedScripts } from '../../../bench/footprint.js';

describe('shippedScripts', () => {
  it('follows the requires of dist/pipe.js through its chunks and skips stale ones', () => {
    const dist = mkdtempSync(join(tmpdir(), 'footprint-test-'));
    mkdirSync(join(dist, 'chunks'));
    const write = (path: string, text: string): void => writeFileSync(join(dist, path), text);
    write(
      'pipe.js',
      'require("./chunks/a.js"); require("node:fs"); require("./chunks/missing.js");',
    );
    write('chunks/a.js', 'var b = require(\'./b.js\'); var a2 = require("./a.js");');
    write('chunks/b.js', 'module.exports = 1;');
    write('chunks/stale.js', 'module.exports = 2;');
    const found = shippedScripts(join(dist, 'pipe.js'))
      .map((f) => f.slice(dist.length + 1))
      .sort();
    expect(found).toEqual(['chunks/a.js', 'chunks/b.js', 'pipe.js']);
  });
});
