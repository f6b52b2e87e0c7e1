import { untilAborted } from '../../../src/util/abort.js';

describe('untilAborted', () => {
  it('stops one waiter on its signal while the shared work goes on for the others', async () => {
    let finish: (value: string) => void = () => undefined;
    const work = new Promise<string>((resolve) => (finish = resolve));
    const mine = new AbortController();
    const waiting = untilAborted(work, mine.signal);
    const other = untilAborted(work, new AbortController().signal);
    mine.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    finish('done');
    await expect(other).resolves.toBe('done');
  });

  it('rejects at once for a signal already aborted, with the error the caller makes', async () => {
    const signal = AbortSignal.abort(new Error('reason'));
    await expect(untilAborted(Promise.resolve(1), signal, () => new Error('cancelled token request'))).rejects.toThrow(
      'cancelled token request',
    );
  });

  it("passes the work's own result and failure through", async () => {
    const signal = new AbortController().signal;
    await expect(untilAborted(Promise.resolve(3), signal)).resolves.toBe(3);
    await expect(untilAborted(Promise.reject(new Error('api')), signal)).rejects.toThrow('api');
    await expect(untilAborted(Promise.resolve(4), undefined)).resolves.toBe(4);
  });
});
