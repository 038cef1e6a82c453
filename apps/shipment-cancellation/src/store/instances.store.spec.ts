import type { DataSource } from 'typeorm';
import { HEARTBEAT, InstancesStore } from './instances.store';

describe('InstancesStore', () => {
  it('heartbeats with the instance id and expiry, and returns the live count (at least 1)', async () => {
    const calls: unknown[][] = [];
    let answer: unknown[] = [{ live: 3 }];
    const dataSource = {
      query: (text: string, values: unknown[]) => {
        calls.push([text, values]);
        return Promise.resolve(answer);
      },
    } as unknown as DataSource;
    const store = new InstancesStore(dataSource);
    expect(await store.heartbeat('me', 15)).toBe(3);
    expect(calls).toEqual([[HEARTBEAT, ['me', 15]]]);
    expect(HEARTBEAT).toContain('INSERT INTO service_instance (instance_id) VALUES ($1)');
    answer = [];
    expect(await store.heartbeat('me', 15)).toBe(1);
  });
});
