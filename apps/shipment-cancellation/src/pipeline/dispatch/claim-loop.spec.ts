import type { CancellationRow } from '../../domain/cancellation';
import type { ClaimsStore } from '../../store/claims.store';
import { AccountSlots } from './account-slots';
import { ClaimLoop } from './claim-loop';

const carrier = 'amazon-shipping-v2' as const;

/** How long after an offer of one call for `seller` the loop claimed it, with `booked` accounts booked ahead. */
async function claimDelayMs(seller: string, booked: (account: string) => boolean): Promise<number> {
  let claimedAt = 0;
  const store = {
    claimByIds: async (ids: string[]) => {
      claimedAt = Date.now();
      return ids.map((id) => ({ id, carrier, sellerAccount: seller }) as unknown as CancellationRow);
    },
    claimDue: async () => [],
  } as unknown as ClaimsStore;
  const slots = new AccountSlots({ [carrier]: 20, 'amazon-mfn-mws': 1, 'amazon-mfn-v0': 1 }, 128);
  const loop = new ClaimLoop(
    store,
    slots,
    { concurrency: 128, pollIntervalMs: 60_000, leaseMs: 9_000 },
    () => undefined,
    () => true,
    booked,
  );
  loop.start();
  // Let the first scan for due work pass, then offer one call.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const offeredAt = Date.now();
  loop.offer([{ id: 'c1', carrier, sellerAccount: seller }]);
  while (claimedAt < offeredAt) await new Promise((resolve) => setTimeout(resolve, 1));
  await loop.stop();
  return claimedAt - offeredAt;
}

describe('ClaimLoop', () => {
  it("gathers claims only a moment for a seller whose quota has room, while another's waits on its quota", async () => {
    const delay = await claimDelayMs('small', (account) => account === `${carrier}|big`);
    expect(delay).toBeLessThan(45);
  });

  it('gathers claims longer when the work could only wait on a quota booked ahead', async () => {
    const delay = await claimDelayMs('big', (account) => account === `${carrier}|big`);
    expect(delay).toBeGreaterThanOrEqual(45);
  });
});
