import type { DataSource } from 'typeorm';
import { CLAIM_BY_IDS, ClaimsStore, accountKey } from './claims.store';

/** A data source that records each prepared statement's text and values, and returns no rows. */
function recordingDatabase() {
  const calls: Array<{ text: string; values: unknown[] }> = [];
  const dataSource = {
    connection: {
      createQueryRunner: () => ({
        connect: () =>
          Promise.resolve({
            query: (config: { text: string; values: unknown[] }) => {
              calls.push({ text: config.text, values: config.values });
              return Promise.resolve({ rows: [] });
            },
          }),
        release: () => Promise.resolve(),
      }),
    },
  } as unknown as DataSource;
  return { calls, dataSource };
}

const caps = { 'amazon-shipping-v2': 3, 'amazon-mfn-mws': 2, 'amazon-mfn-v0': 1 } as const;

describe('ClaimsStore', () => {
  it('spells an account key as the claim statement builds it', () => {
    expect(accountKey({ carrier: 'amazon-mfn-v0', sellerAccount: 'A' })).toBe('amazon-mfn-v0|A');
  });

  it('claims by id with the lease in milliseconds', async () => {
    const { calls, dataSource } = recordingDatabase();
    await new ClaimsStore(dataSource).claimByIds(['a', 'b'], 30_000);
    expect(calls).toEqual([{ text: CLAIM_BY_IDS, values: [['a', 'b'], 30_000] }]);
  });

  it('scans skipping saturated accounts, with each account its room and the caps by API', async () => {
    const { calls, dataSource } = recordingDatabase();
    const roomByAccount = new Map([
      ['amazon-mfn-v0|A', 0],
      ['amazon-shipping-v2|B', 2],
    ]);
    await new ClaimsStore(dataSource).claimDue({ limit: 10, roomByAccount, caps, leaseMs: 30_000 });
    expect(calls[0]?.values).toEqual([
      ['amazon-mfn-v0|A'],
      200,
      ['amazon-mfn-v0|A', 'amazon-shipping-v2|B'],
      [0, 2],
      3,
      2,
      1,
      10,
      30_000,
    ]);
    await new ClaimsStore(dataSource).claimDue({ limit: 100, roomByAccount: new Map(), caps, leaseMs: 1 });
    expect(calls[1]?.values.slice(0, 4)).toEqual([[], 400, [], []]);
  });
});
