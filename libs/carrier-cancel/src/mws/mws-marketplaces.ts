import { findMarketplace, type Marketplace } from '../amazon-regions';

// Seed 001: "This operation is only available in the Mexico, US, Germany, and UK marketplaces."
export const MWS_CANCEL_MARKETPLACES: readonly string[] = [
  'A1AM78C64UM0Y8',
  'ATVPDKIKX0DER',
  'A1PA6795UKMFR9',
  'A1F83G8C2ARO7P',
];

/** The marketplace when CancelShipment is available there, by id or two-letter code. */
export function mwsCancelMarketplace(idOrCode: string | undefined): Marketplace | undefined {
  const marketplace = findMarketplace(idOrCode);
  return marketplace && MWS_CANCEL_MARKETPLACES.includes(marketplace.id) ? marketplace : undefined;
}
