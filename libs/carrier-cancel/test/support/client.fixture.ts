import { CarrierCancelClient } from '../../src/carrier-cancel.client';
import type { CarrierClientConfig, CarrierLogger } from '../../src/carrier-client.config';
import type { CancelRequest, LwaCredentials } from '../../src/port';
import type { AmazonStubServer } from './amazon-stub.server';

export const SELLER = 'seller-1';

// Secret-looking values on purpose: the redaction specs search logs and outcomes for them.
export const CREDENTIALS: LwaCredentials = {
  clientId: 'amzn1.application-oa2-client.0123456789abcdef',
  clientSecret: 'amzn1.oa2-cs.v1.c1e2n3t4s5e6c7r8e9t0',
  refreshToken: 'Atzr|IwEBrefresh-token-that-must-never-leak',
};

export interface CapturedLog {
  level: string;
  msg: string;
  ctx?: Record<string, unknown>;
}

export function captureLogger(): { logger: CarrierLogger; lines: CapturedLog[]; text: () => string } {
  const lines: CapturedLog[] = [];
  const at =
    (level: string) =>
    (msg: string, ctx?: Record<string, unknown>): void => {
      lines.push({ level, msg, ctx });
    };
  return {
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    lines,
    text: () => lines.map((l) => `${l.level} ${l.msg} ${JSON.stringify(l.ctx ?? {})}`).join('\n'),
  };
}

/** A client whose every endpoint (LWA, v2, MWS bridge, MFN v0, Tokens) is the stub, with fast retries. */
export function stubClient(
  stub: AmazonStubServer,
  overrides: Partial<CarrierClientConfig> = {},
): CarrierCancelClient {
  return new CarrierCancelClient({
    endpoints: {
      lwaTokenUrl: `${stub.baseUrl}/auth/o2/token`,
      shippingV2: stub.baseUrl,
      mfnV0: stub.baseUrl,
      mwsBridge: stub.baseUrl,
    },
    credentials: (account) => (account === SELLER ? CREDENTIALS : undefined),
    retry: { baseDelayMs: 1, maxDelayMs: 4, attemptTimeoutMs: 2_000, deadlineMs: 10_000 },
    random: () => 0.5,
    ...overrides,
  });
}

export const V2_REQUEST: CancelRequest = {
  api: 'amazon-shipping-v2',
  carrierShipmentId: 'amzn1.sid.87906797587784.100',
  sellerAccount: SELLER,
  businessId: 'AmazonShipping_UK',
};

export const MWS_REQUEST: CancelRequest = {
  api: 'amazon-mfn-mws',
  carrierShipmentId: 'mws-shipment-1',
  sellerAccount: SELLER,
  marketplaceId: 'ATVPDKIKX0DER',
};

export const V0_REQUEST: CancelRequest = {
  api: 'amazon-mfn-v0',
  carrierShipmentId: 'be7a0a53-00c3-4f6f-a63a-639f76ee9253',
  sellerAccount: SELLER,
  marketplaceId: 'ATVPDKIKX0DER',
};
