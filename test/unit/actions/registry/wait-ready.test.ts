import {
  READY_POLL_INTERVAL_MS,
  waitForReady,
} from '../../../../src/actions/registry/wait-ready.js';
import { isPipeError } from '../../../../src/errors.js';
import { testContext } from './support.js';

/** Returns a read that answers the statuses in turn (the last one forever). */
function statuses(...list: string[]): () => Promise<{ status: string; status_message?: string }> {
  let i = 0;
  return () => {
    const status = list[Math.min(i++, list.length - 1)] ?? 'READY';
    return Promise.resolve({ status, status_message: 'bad artifacts' });
  };
}

describe('waitForReady', () => {
  it.each([
    { name: 'READY at once', list: ['READY'], sleeps: [] },
    {
      name: 'pending twice',
      list: ['PENDING_REGISTRATION', 'PENDING_REGISTRATION', 'READY'],
      sleeps: [3_000, 3_000],
    },
    {
      name: 'an unknown status, then READY',
      list: ['MODEL_VERSION_STATUS_UNKNOWN', 'READY'],
      sleeps: [3_000],
    },
  ])('resolves on $name, polling every 3 s', async ({ list, sleeps }) => {
    const ctx = testContext();
    await waitForReady(ctx, statuses(...list), 'version 1', ctx.clock.now() + 60_000);
    expect(ctx.clock.sleeps).toEqual(sleeps);
  });

  it('says each state once, not once per poll', async () => {
    const ctx = testContext();
    await waitForReady(
      ctx,
      statuses('PENDING_REGISTRATION', 'PENDING_REGISTRATION', 'READY'),
      'version 1',
      ctx.clock.now() + 60_000,
    );
    expect(ctx.output.lines.filter((l) => l.includes('PENDING_REGISTRATION'))).toHaveLength(1);
  });

  it.each([
    {
      name: 'FAILED_REGISTRATION',
      list: ['PENDING_REGISTRATION', 'FAILED_REGISTRATION'],
      deadline: 60_000,
      code: 'ERR_REGISTRATION_FAILED',
      says: 'bad artifacts',
    },
    {
      name: 'the deadline',
      list: ['PENDING_REGISTRATION'],
      deadline: 7_000,
      code: 'ERR_TIMEOUT',
      says: 'still PENDING_REGISTRATION',
    },
  ])('fails on $name', async ({ list, deadline, code, says }) => {
    const ctx = testContext();
    const error: unknown = await waitForReady(
      ctx,
      statuses(...list),
      'version 1',
      ctx.clock.now() + deadline,
    ).catch((e: unknown) => e);
    expect(isPipeError(error) && error.code).toBe(code);
    expect((error as Error).message).toContain(says);
  });

  it('never sleeps past the deadline', async () => {
    const ctx = testContext();
    await waitForReady(ctx, statuses('PENDING_REGISTRATION'), 'v', ctx.clock.now() + 4_000).catch(
      () => undefined,
    );
    expect(ctx.clock.sleeps).toEqual([READY_POLL_INTERVAL_MS, 1_000]);
  });

  it('stops with ERR_CANCELLED when the action is stopped', async () => {
    const stop = new AbortController();
    const ctx = testContext({ signal: stop.signal });
    const waiting = waitForReady(
      ctx,
      statuses('PENDING_REGISTRATION'),
      'v',
      ctx.clock.now() + 60_000,
    );
    setImmediate(() => stop.abort(new Error('SIGTERM')));
    const error: unknown = await waiting.catch((e: unknown) => e);
    expect(isPipeError(error, 'ERR_CANCELLED')).toBe(true);
  });
});
