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
    // B, passed over for want of room, now comes before A, which was served.
    expect(offered.take(1, () => 5)).toEqual(['b1']);
    expect(offered.take(5, () => 5)).toEqual(['a2']);
    expect(offered.size).toBe(0);
  });

  it('counts the ids it could hand out now within each account room, up to what is enough', () => {
    const offered = new OfferedWork();
    offered.add([v0('a1', 'A'), v0('a2', 'A'), v0('a3', 'A'), v0('b1', 'B'), v0('c1', 'C'), v0('c2', 'C')]);
    const room = (key: string) => (key.endsWith('|A') ? 2 : key.endsWith('|B') ? 0 : -1);
    expect(offered.ready(room, 10)).toBe(2);
    expect(offered.ready(() => 5, 10)).toBe(6);
    expect(offered.ready(() => 5, 3)).toBeGreaterThanOrEqual(3);
    expect(offered.size).toBe(6);
  });

  it('shares the slots among accounts one id at a time, whichever was offered first', () => {
    const offered = new OfferedWork();
    // A deep backlog of one seller offered first, then two sellers with a little work each.
    offered.add(Array.from({ length: 50 }, (_, i) => v0(`a${i}`, 'A')));
    offered.add([v0('b0', 'B'), v0('b1', 'B'), v0('c0', 'C')]);
    expect(offered.take(6, () => 100)).toEqual(['a0', 'b0', 'c0', 'a1', 'b1', 'a2']);
    // An account offered later takes its turn in the next round, not after A's backlog.
    offered.add([v0('d0', 'D'), v0('d1', 'D')]);
    expect(offered.take(4, () => 100)).toEqual(['a3', 'd0', 'a4', 'd1']);
  });
});
