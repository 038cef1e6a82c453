import { LoopLag } from './loop-lag';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LoopLag', () => {
  it('reads near 0 on an idle loop, rises when a task holds the loop, and falls back once it is free', async () => {
    const lag = new LoopLag(5);
    lag.start();
    try {
      await sleep(50);
      const idle = lag.ms;
      const until = performance.now() + 150;
      while (performance.now() < until); // one task holds the loop for 150 ms
      await sleep(8);
      // One tick 150 ms late moves the average by about 45 ms, whatever a busy machine adds to every tick.
      const held = lag.ms;
      expect(held).toBeGreaterThan(idle + 30);
      await sleep(150);
      expect(lag.ms).toBeLessThan(held / 2);
    } finally {
      lag.stop();
    }
  });
});
