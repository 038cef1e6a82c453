import { OfferedWork } from './offered-work';

const v0 = (id: string, sellerAccount: string) => ({ id, carrier: 'amazon-mfn-v0' as const, sellerAccount });

describe('OfferedWork', () => {
  it('takes the oldest ids of each account within its room and the limit, keeping the rest', () => {
    const offered = new OfferedWork();
    offered.add([v0('a1', 'A'), v0('a2', 'A'), v0('b1', 'B'), v0('c1', 'C')]);
    expect(offered.size).toBe(4);
    const room = (key: string) => (key.endsWith('|A') ? 1 : key.endsWith('|B') ? 0 : 5);
    expect(offered.take(5, room)).toEqual(['a1', 'c1']);
    expect(offered.size).toBe(2);
    expect(offered.take(1, () => 5)).toEqual(['a2']);
    expect(offered.take(5, () => 5)).toEqual(['b1']);
    expect(offered.size).toBe(0);
  });
});
