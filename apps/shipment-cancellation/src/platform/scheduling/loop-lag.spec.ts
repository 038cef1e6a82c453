import { LoopLag } from './loop-lag';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LoopLag', () => {
  it('reads near 0 on an idle loop, rises when a task holds the loop, and falls back once it is free', async () => {
    const lag = new LoopLag(5);
    lag.start();
    try {
      await sleep(50);
      expect(lag.ms).toBeLessThan(20);
      const until = performance.now() + 150;
      while (performance.now() < until); // one task holds the loop for 150 ms
      await sleep(8);
      expect(lag.ms).toBeGreaterThan(30);
      await sleep(150);
      expect(lag.ms).toBeLessThan(20);
    } finally {
      lag.stop();
    }
  });
});
