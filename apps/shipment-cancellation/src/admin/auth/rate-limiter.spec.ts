import { KeyRateLimiter } from './rate-limiter';

describe('KeyRateLimiter', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows a minute’s allowance at once, then refuses with the seconds until the next token', () => {
    const limiter = new KeyRateLimiter(6, clock);
    for (let i = 0; i < 6; i++) expect(limiter.take('alice')).toEqual({ allowed: true });
    expect(limiter.take('alice')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    now += 4_000;
    expect(limiter.take('alice')).toEqual({ allowed: false, retryAfterSeconds: 6 });
  });

  it('refills continuously, never above the allowance', () => {
    const limiter = new KeyRateLimiter(60, clock);
    for (let i = 0; i < 60; i++) limiter.take('alice');
    expect(limiter.take('alice').allowed).toBe(false);
    now += 1_000;
    expect(limiter.take('alice').allowed).toBe(true);
    expect(limiter.take('alice').allowed).toBe(false);
    now += 3_600_000;
    for (let i = 0; i < 60; i++) expect(limiter.take('alice').allowed).toBe(true);
    expect(limiter.take('alice').allowed).toBe(false);
  });

  it('keeps one bucket per key', () => {
    const limiter = new KeyRateLimiter(1, clock);
    expect(limiter.take('alice').allowed).toBe(true);
    expect(limiter.take('alice').allowed).toBe(false);
    expect(limiter.take('victor').allowed).toBe(true);
  });

  it('keeps at most maxKeys buckets, forgetting the one used least recently', () => {
    const limiter = new KeyRateLimiter(1, clock, 2);
    limiter.take('a');
    limiter.take('b');
    expect(limiter.take('a').allowed).toBe(false);
    limiter.take('c');
    // b was used least recently: forgotten, so it starts full again; c is remembered, and empty.
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.take('c').allowed).toBe(false);
  });
});
