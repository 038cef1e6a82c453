import { Global, Logger, Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { CarrierCancelClient, type CarrierCancelPort } from '@oms/carrier-cancel';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { MetricsService } from '../metrics/metrics.service';
import { CARRIER_PORT } from './carrier.tokens';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Builds the carrier client from configuration (the local sandbox by default). */
export function createCarrierClient(config: AppConfig, metrics?: MetricsService): CarrierCancelClient {
  const logger = new Logger('carrier');
  const { carrier } = config;
  for (const [api, limit] of Object.entries(carrier.rateLimits))
    metrics?.carrierRateLimit.set({ carrier: api }, limit.ratePerSecond);
  return new CarrierCancelClient({
    endpoints: {
      lwaTokenUrl: carrier.lwaTokenUrl,
      shippingV2: carrier.shippingV2,
      mfnV0: carrier.mfnV0,
      mwsBridge: carrier.mwsBridge,
    },
    credentials: (account) => carrier.credentials[account] ?? carrier.credentials['*'],
    mwsFormat: carrier.mwsFormat,
    // As many as the worker's slots by default: a request queued for a connection past its token's window is
    // refused at the socket, which costs the connection (docs/scaling.md, "Slots and connections").
    maxConnectionsPerOrigin: carrier.maxConnections,
    rateLimits: carrier.rateLimits,
    rateLimitMarginMs: carrier.rateLimitMarginMs,
    retry: { attemptTimeoutMs: carrier.attemptTimeoutMs, deadlineMs: carrier.deadlineMs },
    onResponse: ({ api, operation, sellerAccount, httpStatus, durationMs }) => {
      metrics?.carrierRequests.inc({ carrier: api, operation, seller_account: sellerAccount });
      metrics?.carrierResponses.observe(
        { carrier: api, operation, status: String(httpStatus) },
        durationMs / 1000,
      );
      if (httpStatus === 429) metrics?.throttled.inc({ carrier: api });
    },
    logger: {
      debug: (msg, ctx) => logger.debug(msg, ctx ?? {}),
      info: (msg, ctx) => logger.log(msg, ctx ?? {}),
      warn: (msg, ctx) => logger.warn(msg, ctx ?? {}),
      error: (msg, ctx) => logger.error(msg, ctx ?? {}),
      enabled: (level) => LEVELS.indexOf(level) >= LEVELS.indexOf(config.logLevel),
    },
  });
}

@Global()
@Module({
  providers: [
    { provide: CARRIER_PORT, useFactory: createCarrierClient, inject: [APP_CONFIG, MetricsService] },
  ],
  exports: [CARRIER_PORT],
})
export class CarrierModule implements OnApplicationShutdown {
  constructor(@Inject(CARRIER_PORT) private readonly carrier: CarrierCancelPort) {}

  async onApplicationShutdown(): Promise<void> {
    const closable = this.carrier as Partial<CarrierCancelClient>;
    await closable.close?.();
  }
}
