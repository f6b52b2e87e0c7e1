import { createLogger, formatLine } from '../../../src/log/logger.js';
import { Redactor } from '../../../src/log/redactor.js';
import { CaptureStream } from '../../support/capture.js';

function setup(debug: boolean, color = false) {
  const stream = new CaptureStream();
  const redactor = new Redactor();
  redactor.register('canary-token-value');
  return { stream, log: createLogger({ stream, debug, color, redactor }) };
}

describe('createLogger', () => {
  it('prefixes levels and scopes, one line per entry', () => {
    const { stream, log } = setup(false);
    log.info('starting');
    log.child('2 run_job train').warn('slow');
    log.child('a').child('b').error('bad');
    expect(stream.lines).toEqual(['starting', 'WARNING: [2 run_job train] slow', 'ERROR: [a b] bad']);
  });

  it('drops debug lines unless DEBUG is on', () => {
    const quiet = setup(false);
    quiet.log.debug('detail');
    expect(quiet.stream.lines).toEqual([]);
    const loud = setup(true);
    loud.log.debug('detail', { ms: 12 });
    expect(loud.stream.lines).toEqual(['DEBUG: detail (ms=12)']);
    expect(loud.log.isDebug).toBe(true);
  });

  it('redacts registered secrets in messages and metadata, at debug too', () => {
    const { stream, log } = setup(true);
    log.debug('sending canary-token-value', { authorization: 'Bearer x', note: 'canary-token-value' });
    expect(stream.text).not.toContain('canary-token-value');
    expect(stream.text).toContain('authorization=***');
  });

  it('colours only when asked', () => {
    const { stream, log } = setup(false, true);
    log.error('boom');
    log.info('✔ done');
    expect(stream.lines[0]).toBe('\u001b[31mERROR: boom\u001b[0m');
    expect(stream.lines[1]).toBe('\u001b[32m✔ done\u001b[0m');
  });
});

describe('formatLine', () => {
  it.each([
    { name: 'info, no scope', entry: { level: 'info', message: 'hi' }, want: 'hi' },
    { name: 'warn with scope', entry: { level: 'warn', message: 'slow', scope: '1 run_job' }, want: 'WARNING: [1 run_job] slow' },
    {
      name: 'metadata: strings bare, others JSON, undefined dropped',
      entry: { level: 'debug', message: 'got', meta: { a: 'x', n: 2, o: { k: [1] }, u: undefined } },
      want: 'DEBUG: got (a=x, n=2, o={"k":[1]})',
    },
  ] as const)('$name', ({ entry, want }) => {
    expect(formatLine(entry, false)).toBe(want);
  });
});
