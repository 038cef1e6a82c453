import type { EndpointChoice } from './carrier-client.config';

export type Region = 'na' | 'eu' | 'fe';

/** Shipping v2 businesses: the seed's six plus the four the model adds. */
export const SHIPPING_BUSINESS_REGIONS: Readonly<Record<string, Region>> = {
  AmazonShipping_US: 'na',
  AmazonShipping_IN: 'eu',
  AmazonShipping_UK: 'eu',
  AmazonShipping_IT: 'eu',
  AmazonShipping_ES: 'eu',
  AmazonShipping_FR: 'eu',
  AmazonShipping_UAE: 'eu',
  AmazonShipping_SA: 'eu',
  AmazonShipping_EG: 'eu',
  AmazonShipping_JP: 'fe',
};

export interface Marketplace {
  id: string;
  code: string;
  region: Region;
}

const MARKETPLACE_LIST: readonly Marketplace[] = [
  { id: 'A2EUQ1WTGCTBG2', code: 'CA', region: 'na' },
  { id: 'ATVPDKIKX0DER', code: 'US', region: 'na' },
  { id: 'A1AM78C64UM0Y8', code: 'MX', region: 'na' },
  { id: 'A2Q3Y263D00KWC', code: 'BR', region: 'na' },
  { id: 'A1F83G8C2ARO7P', code: 'UK', region: 'eu' },
  { id: 'A1PA6795UKMFR9', code: 'DE', region: 'eu' },
  { id: 'A13V1IB3VIYZZH', code: 'FR', region: 'eu' },
  { id: 'APJ6JRA9NG5V4', code: 'IT', region: 'eu' },
  { id: 'A1RKKUPIHCS9HS', code: 'ES', region: 'eu' },
  { id: 'A1805IZSGTT6HS', code: 'NL', region: 'eu' },
  { id: 'A2NODRKZP88ZB9', code: 'SE', region: 'eu' },
  { id: 'A1C3SOZRARQ6R3', code: 'PL', region: 'eu' },
  { id: 'AMEN7PMS3EDWL', code: 'BE', region: 'eu' },
  { id: 'A28R8C7NBKEWEA', code: 'IE', region: 'eu' },
  { id: 'A33AVAJ2PDY3EV', code: 'TR', region: 'eu' },
  { id: 'ARBP9OOSHTCHU', code: 'EG', region: 'eu' },
  { id: 'A17E79C6D8DWNP', code: 'SA', region: 'eu' },
  { id: 'A2VIGQ35RCS4UG', code: 'AE', region: 'eu' },
  { id: 'A21TJRUUN4KGV', code: 'IN', region: 'eu' },
  { id: 'AE08WJ6YKNBMC', code: 'ZA', region: 'eu' },
  { id: 'A19VAU5U5O7RUS', code: 'SG', region: 'fe' },
  { id: 'A39IBJ37TRP1C6', code: 'AU', region: 'fe' },
  { id: 'A1VC38T7YXB528', code: 'JP', region: 'fe' },
];

/** Looks a marketplace up by id or two-letter code ('GB' is accepted for the UK). */
export function findMarketplace(idOrCode: string | undefined): Marketplace | undefined {
  if (!idOrCode) return undefined;
  const wanted = idOrCode.trim().toUpperCase();
  const code = wanted === 'GB' ? 'UK' : wanted;
  return MARKETPLACE_LIST.find((m) => m.id === wanted || m.code === code);
}

/** Amazon's production or sandbox host for a region, or the custom base URL as given. */
export function spApiBaseUrl(choice: EndpointChoice, region: Region): string {
  if (choice === 'production') return `https://sellingpartnerapi-${region}.amazon.com`;
  if (choice === 'sandbox') return `https://sandbox.sellingpartnerapi-${region}.amazon.com`;
  return choice;
}

export function isCustomEndpoint(choice: EndpointChoice): boolean {
  return choice !== 'production' && choice !== 'sandbox';
}

/** Joins a base URL (which may carry a path prefix) and a path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
