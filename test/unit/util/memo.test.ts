import { memoFor } from '../../../src/util/memo.js';

describe('memoFor', () => {
  it('loads each key once per owner and keeps owners apart', async () => {
    const memo = new WeakMap<object, Map<string, Promise<string>>>();
    const [first, second] = [{}, {}];
    let loads = 0;
    const load = (value: string) => () => {
      loads += 1;
      return Promise.resolve(value);
    };
    expect(await memoFor(memo, first, 'job', load('a'))).toBe('a');
    expect(await memoFor(memo, first, 'job', load('b'))).toBe('a');
    expect(await memoFor(memo, first, 'other', load('c'))).toBe('c');
    expect(await memoFor(memo, second, 'job', load('d'))).toBe('d');
    expect(loads).toBe(3);
  });

  it('shares one promise between callers that ask before it settles', async () => {
    const memo = new WeakMap<object, Map<string, Promise<number>>>();
    const owner = {};
    let loads = 0;
    const load = () => {
      loads += 1;
      return new Promise<number>((resolve) => setTimeout(() => resolve(7), 5));
    };
    const both = await Promise.all([memoFor(memo, owner, 'k', load), memoFor(memo, owner, 'k', load)]);
    expect(both).toEqual([7, 7]);
    expect(loads).toBe(1);
  });

  it('forgets a load that failed, so the next ask loads again', async () => {
    const memo = new WeakMap<object, Map<string, Promise<string>>>();
    const owner = {};
    await expect(memoFor(memo, owner, 'k', () => Promise.reject(new Error('503')))).rejects.toThrow('503');
    expect(await memoFor(memo, owner, 'k', () => Promise.resolve('second'))).toBe('second');
    expect(await memoFor(memo, owner, 'k', () => Promise.resolve('third'))).toBe('second');
  });
});
