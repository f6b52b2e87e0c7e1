import { VirtualTime } from '../../../bench/virtual-time.js';

describe('VirtualTime', () => {
  it('wakes sleepers in wake-up order, each at exactly its instant', async () => {
    const time = new VirtualTime({ startMs: 1000 });
    const woke: Array<[string, number]> = [];
    const sleeper = (name: string, ms: number): Promise<void> =>
      time.sleep(ms).then(() => void woke.push([name, time.now()]));
    const all = Promise.all([
      sleeper('late', 5000),
      sleeper('early', 200),
      sleeper('same-as-early', 200),
    ]);
    while (time.step()) await new Promise((ok) => setImmediate(ok));
    await all;
    expect(woke).toEqual([
      ['early', 1200],
      ['same-as-early', 1200],
      ['late', 6000],
    ]);
  });

  it('does not move when nobody sleeps', () => {
    const time = new VirtualTime({ startMs: 50 });
    expect(time.step()).toBe(false);
    expect(time.now()).toBe(50);
  });

  it('drops an aborted sleeper and rejects it with the reason', async () => {
    const time = new VirtualTime({ startMs: 0 });
    const controller = new AbortController();
    const sleeping = time.sleep(1000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(time.pending).toBe(0);
    expect(time.step()).toBe(false);
  });

  it('drives time forward only while nothing is busy', async () => {
    let busy = true;
    const time = new VirtualTime({ startMs: 0, isBusy: () => busy, quietMs: 0 });
    const stop = time.drive();
    const sleeping = time.sleep(3_600_000);
    await new Promise((ok) => setTimeout(ok, 30));
    expect(time.now()).toBe(0);
    busy = false;
    await sleeping;
    stop();
    expect(time.now()).toBe(3_600_000);
  });

  it('serves as the pipe clock', async () => {
    const time = new VirtualTime({ startMs: 10 });
    const clock = time.clock(() => 0.25);
    const sleeping = clock.sleep(90);
    time.step();
    await sleeping;
    expect([clock.now(), clock.random()]).toEqual([100, 0.25]);
  });
});
