import { Topics } from './topics';

describe('Topics', () => {
  it('uses versioned, dot-separated names under the oms namespace', () => {
    for (const name of Object.values(Topics)) {
      expect(name).toMatch(/^oms\.[a-z-]+(\.[a-z-]+)*\.v\d+$/);
    }
  });

  it('has one distinct topic per event type', () => {
    expect(new Set(Object.values(Topics)).size).toBe(Object.keys(Topics).length);
  });
});
