import type { CancellationRow } from '../../domain/cancellation';
import { accountKey } from '../../store/claims.store';
import { AccountSlots, type OfferedItem } from './account-slots';

// Shipping v2 takes three calls at once per account, MWS two, MFN v0 one; four calls in all.
const caps = { 'amazon-shipping-v2': 3, 'amazon-mfn-mws': 2, 'amazon-mfn-v0': 1 } as const;
const v0 = (id: string, sellerAccount: string): OfferedItem => ({
  id,
  carrier: 'amazon-mfn-v0',
  sellerAccount,
});
const v2 = (id: string, sellerAccount: string): OfferedItem => ({
  id,
  carrier: 'amazon-shipping-v2',
  sellerAccount,
});
// Only the id of a leased row matters to the slots.
const leasedRow = (id: string) => ({ id }) as CancellationRow;

describe('AccountSlots', () => {
  let slots: AccountSlots;
  beforeEach(() => {
    slots = new AccountSlots(caps, 4);
  });

  it('counts acquired slots per account and in total, and forgets an account once it holds none', () => {
    const key = accountKey(v2('a1', 'A'));
    slots.acquire(key);
    slots.acquire(key);
    expect(slots.busy).toBe(2);
    expect(slots.free).toBe(2);
    expect(slots.roomFor(key)).toBe(1);
    expect(slots.roomByAccount()).toEqual(new Map([[key, 1]]));
    slots.release(key);
    slots.release(key);
    expect(slots.busy).toBe(0);
    expect(slots.roomFor(key)).toBe(3);
    expect(slots.roomByAccount()).toEqual(new Map());
  });

  it('gives an account at its limit no room, and reports it saturated for the claim', () => {
    const key = accountKey(v0('a1', 'A'));
    slots.acquire(key);
    expect(slots.roomFor(key)).toBe(0);
    expect([...slots.roomByAccount().values()]).toEqual([0]);
    const reservation = slots.reserve([v0('a2', 'A'), v0('b1', 'B')]);
    expect([...reservation.leased.keys()]).toEqual(['b1']);
    expect(reservation.rest.map((item) => item.id)).toEqual(['a2']);
  });

  it('reserves within each account cap and the total, round the accounts, naming the account of each slot', () => {
    const reservation = slots.reserve([
      v2('a1', 'A'),
      v2('a2', 'A'),
      v0('b1', 'B'),
      v0('b2', 'B'),
      v2('a3', 'A'),
      v2('c1', 'C'),
    ]);
    // C's row comes last but gets a slot before A's second: the total (4) is shared among the sellers.
    expect([...reservation.leased]).toEqual([
      ['a1', 'amazon-shipping-v2|A'],
      ['b1', 'amazon-mfn-v0|B'],
      ['c1', 'amazon-shipping-v2|C'],
      ['a2', 'amazon-shipping-v2|A'],
    ]);
    expect(reservation.rest.map((item) => item.id)).toEqual(['b2', 'a3']);
    expect(slots.busy).toBe(4);
    expect(slots.free).toBe(0);
  });

  it('leaves the places of calls parked on a booked quota to other accounts, each within its cap', () => {
    let parked = 0;
    slots = new AccountSlots(caps, 4, () => parked);
    const a = accountKey(v2('a1', 'A'));
    for (let i = 0; i < 3; i++) slots.acquire(a);
    slots.acquire(accountKey(v0('b1', 'B')));
    expect(slots.free).toBe(0);
    // Two of A's calls wait on its quota, booked ahead: two calls of others may go meanwhile, none of A's.
    parked = 2;
    expect(slots.free).toBe(2);
    expect(slots.roomFor(a)).toBe(0);
    const reservation = slots.reserve([v2('a4', 'A'), v2('c1', 'C'), v2('c2', 'C'), v2('c3', 'C')]);
    expect([...reservation.leased.keys()]).toEqual(['c1', 'c2']);
    expect(slots.busy).toBe(6);
    // The parked calls got their tokens: nothing more starts until calls end.
    parked = 0;
    expect(slots.free).toBe(-2);
  });

  it('lets calls out beyond the total up to one per carrier connection', () => {
    slots = new AccountSlots(caps, 4, () => 0, 10);
    for (const seller of ['A', 'B', 'C', 'D']) slots.acquire(accountKey(v2(`${seller}1`, seller)));
    for (let i = 0; i < 4; i++) slots.awaiting(true);
    expect(slots.free).toBe(4);
    for (const seller of ['E', 'F', 'G', 'H']) slots.acquire(accountKey(v2(`${seller}1`, seller)));
    for (let i = 0; i < 4; i++) slots.awaiting(true);
    for (const seller of ['I', 'J', 'K', 'L']) slots.acquire(accountKey(v2(`${seller}1`, seller)));
    for (let i = 0; i < 4; i++) slots.awaiting(true);
    // 12 on the wire, 0 worked on: the total (4) plus the 10 connections bounds them at 14.
    expect(slots.free).toBe(2);
  });

  it('leaves the places of calls awaiting the carrier to others, up to the total plus the connections out at once', () => {
    for (const seller of ['A', 'B', 'C', 'D']) slots.acquire(accountKey(v2(`${seller}1`, seller)));
    expect(slots.free).toBe(0);
    // Two requests are on the wire: two more calls may be worked on meanwhile.
    slots.awaiting(true);
    slots.awaiting(true);
    expect(slots.free).toBe(2);
    slots.acquire(accountKey(v2('E1', 'E')));
    slots.acquire(accountKey(v2('F1', 'F')));
    expect(slots.free).toBe(0);
    // Every request on the wire: no more than the total plus the connections (4 + 4) out at once.
    for (let i = 0; i < 4; i++) slots.awaiting(true);
    expect(slots.free).toBe(2);
    // Answers came back to be read: the process is over its total until calls end.
    for (let i = 0; i < 6; i++) slots.awaiting(false);
    expect(slots.free).toBe(-2);
  });

  it('on commit hands over the reserved rows that were leased, and frees the slots of the others', () => {
    const reservation = slots.reserve([v2('a1', 'A'), v0('b1', 'B')]);
    const toCall = slots.commit(reservation, [leasedRow('a1'), leasedRow('x1')]);
    expect(toCall.map((row) => row.id)).toEqual(['a1']);
    expect(slots.busy).toBe(1);
    expect(slots.roomFor('amazon-mfn-v0|B')).toBe(1);
    expect(slots.roomFor('amazon-shipping-v2|A')).toBe(2);
  });

  it('on rollback frees every slot of the reservation, for the next one to take', () => {
    const reservation = slots.reserve([v0('b1', 'B'), v2('a1', 'A')]);
    slots.rollback(reservation);
    expect(slots.busy).toBe(0);
    expect(slots.roomByAccount().size).toBe(0);
    expect([...slots.reserve([v0('b2', 'B')]).leased.keys()]).toEqual(['b2']);
  });
});
