import { formatDuration, formatSummary } from '../../../src/evidence/summary.js';
import { result } from './support.js';

describe('formatDuration', () => {
  it.each([
    { name: 'sub-second', ms: 850, text: '850ms' },
    { name: 'zero', ms: 0, text: '0ms' },
    { name: 'seconds with a decimal', ms: 4_250, text: '4.2s' },
    { name: 'whole seconds', ms: 45_900, text: '45s' },
    { name: 'minutes', ms: 125_000, text: '2m 05s' },
    { name: 'hours', ms: 3_720_000, text: '1h 02m' },
  ])('$name: $ms → $text', ({ ms, text }) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatSummary', () => {
  it('aligns one row per action under a header', () => {
    const lines = formatSummary([
      result({
        index: 1,
        id: 'train',
        description: 'run job churn-training and wait (timeout 2h)',
        duration_ms: 723_000,
        outputs: { run_page_url: 'https://h/#job/1/run/2' },
      }),
      result({
        index: 2,
        type: 'register_model',
        status: 'failed',
        description:
          'register ml_prod.churn.classifier from the best run of /Shared/churn ordered by metrics.auc DESC',
        duration_ms: 4_000,
      }),
      result({ index: 3, type: 'set_alias', status: 'skipped', description: 'set alias champion' }),
    ]);
    expect(lines).toEqual([
      '#  action          target                                                        outcome    duration  link',
      '1  run_job train   run job churn-training and wait (timeout 2h)                  succeeded  12m 03s   https://h/#job/1/run/2',
      '2  register_model  register ml_prod.churn.classifier from the best run of /Sha…  failed     4.0s',
      '3  set_alias       set alias champion                                            skipped    -',
    ]);
  });

  it('keeps a multi-line description on one row', () => {
    const [, row] = formatSummary([result({ index: 1, description: 'a\nb' })]);
    expect(row).toContain('a b');
  });

  it('says so when there were no actions', () => {
    expect(formatSummary([])).toEqual(['no actions']);
  });
});
