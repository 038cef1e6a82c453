import { PeriodicPass } from './periodic-pass';

describe('PeriodicPass', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs a pass every interval, skips one that falls due while a pass runs, and stop waits for it', async () => {
    let started = 0;
    let finish: () => void = () => undefined;
    const periodic = new PeriodicPass(() => {
      started += 1;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    periodic.start(1_000);
    jest.advanceTimersByTime(999);
    expect(started).toBe(0);
    jest.advanceTimersByTime(1);
    expect(started).toBe(1);
    // Still running: the next two ticks start nothing.
    jest.advanceTimersByTime(2_000);
    expect(started).toBe(1);
    finish();
    await Promise.resolve();
    await Promise.resolve();
    jest.advanceTimersByTime(1_000);
    expect(started).toBe(2);

    let stopped = false;
    const stopping = periodic.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    jest.advanceTimersByTime(5_000);
    expect(started).toBe(2);
  });

  it('never runs with an interval of 0', () => {
    let started = 0;
    const periodic = new PeriodicPass(async () => {
      started += 1;
    });
    periodic.start(0);
    jest.advanceTimersByTime(60_000);
    expect(started).toBe(0);
  });
});
