import { type CpuSnapshot, cpuSnapshot, cpuUse } from './bench-measure';
import { cpuPerOrder } from './bench-report';

function snapshot(
  at: number,
  machineBusy: number,
  processes: Array<[number, CpuSnapshot['processes'] extends Map<number, infer V> ? V : never]>,
): CpuSnapshot {
  return { at, machineBusy, machineTotal: machineBusy * 2, processes: new Map(processes) };
}

describe('cpuUse', () => {
  it('gives each role the CPU its processes used in between, and the unclaimed rest to other', () => {
    const from = snapshot(0, 1_000, [
      [10, { role: 'system', ticks: 500 }],
      [20, { role: 'postgres', ticks: 300 }],
      // Ends before the second snapshot: its ticks are lost to its role, not subtracted from it.
      [21, { role: 'postgres', ticks: 900 }],
    ]);
    const to = snapshot(2_000, 1_400, [
      [10, { role: 'system', ticks: 640 }],
      [20, { role: 'postgres', ticks: 360 }],
      // Started in between: counts whole.
      [22, { role: 'postgres', ticks: 40 }],
      [30, { role: 'broker', ticks: 20 }],
    ]);

    const use = cpuUse(from, to);

    // 400 busy ticks over 2 s of 2 × 400 total ticks: the machine was half busy.
    expect(use?.machineBusyPercent).toBeCloseTo(50);
    expect(use?.cores.system).toBeCloseTo(0.7);
    expect(use?.cores.postgres).toBeCloseTo(0.5);
    expect(use?.cores.broker).toBeCloseTo(0.1);
    expect(use?.cores.sandbox).toBe(0);
    // 400 busy − 140 − 100 − 20 = 140 ticks nobody claimed.
    expect(use?.cores.other).toBeCloseTo(0.7);
  });

  it('says nothing when a snapshot is missing or time did not move', () => {
    const one = snapshot(0, 100, []);
    expect(cpuUse(null, one)).toBeNull();
    expect(cpuUse(one, one)).toBeNull();
  });
});

describe('cpuPerOrder', () => {
  it('turns cores into CPU per order and the rates the cores allow, with and without the system', () => {
    const line = cpuPerOrder(
      {
        machineBusyPercent: 90,
        cores: { system: 0.8, postgres: 0.5, broker: 0.1, sandbox: 0.2, 'load generator': 0.1, other: 0.1 },
      },
      1_000,
      2,
    );
    expect(line).toContain('system 0.80, postgres 0.50, broker 0.10, sandbox 0.20, load generator 0.10');
    // 1.8 ms per order in all: 2 cores allow 1,111/s; without the system's 0.8 ms, 2,000/s.
    expect(line).toContain('1.80 in all');
    expect(line).toContain('2 cores allow 1,111/s, or 2,000/s if the system itself cost nothing');
  });

  it('is silent without a measurement', () => {
    expect(cpuPerOrder(null, 1_000, 2)).toBeNull();
  });
});

const onLinux = process.platform === 'linux' ? it : it.skip;

describe('cpuSnapshot', () => {
  onLinux('finds the system under test by pid and counts its CPU', () => {
    const pids = { system: [process.pid], sandbox: -1 };
    const before = cpuSnapshot(pids);
    const until = Date.now() + 100;
    while (Date.now() < until); // burn some CPU
    const after = cpuSnapshot(pids);
    expect(before?.processes.get(process.pid)?.role).toBe('system');
    // 100 ms of CPU is about 10 ticks.
    expect(after?.processes.get(process.pid)?.ticks).toBeGreaterThan(
      before?.processes.get(process.pid)?.ticks ?? Infinity,
    );
    expect(after?.machineBusy).toBeGreaterThan(before?.machineBusy ?? Infinity);
  });

  onLinux('returns null once the system under test is gone', () => {
    expect(cpuSnapshot({ system: [2 ** 30], sandbox: -1 })).toBeNull();
  });
});
