// Every instance heartbeats into Postgres and counts the live ones; each then uses 1/n of the carrier's
// rate limits, so n instances in one consumer group never exceed Amazon's quota together. A crashed
// instance stops heartbeating and its share returns to the others within the expiry.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { CarrierCancelPort } from '@oms/carrier-cancel';
import { CARRIER_PORT } from '../../platform/carrier/carrier.tokens';

const HEARTBEAT_MS = 5_000;
const EXPIRY_SECONDS = 15;

@Injectable()
export class InstanceRegistry {
  readonly instanceId = randomUUID();
  private readonly logger = new Logger('InstanceRegistry');
  private timer: NodeJS.Timeout | null = null;
  private live = 1;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CARRIER_PORT) private readonly carrier: CarrierCancelPort,
  ) {}

  get liveInstances(): number {
    return this.live;
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(
      () => void this.beat().catch((e: Error) => this.logger.warn(`heartbeat failed: ${e.message}`)),
      HEARTBEAT_MS,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.dataSource
      .query(`DELETE FROM service_instance WHERE instance_id = $1`, [this.instanceId])
      .catch(() => undefined);
  }

  /** Records this instance as alive, forgets the silent ones, and adjusts the rate share. */
  async beat(): Promise<void> {
    const [row]: Array<{ live: number }> = await this.dataSource.query(
      `WITH me AS (
         INSERT INTO service_instance (instance_id) VALUES ($1)
         ON CONFLICT (instance_id) DO UPDATE SET seen_at = now()
       ), gone AS (
         DELETE FROM service_instance WHERE seen_at < now() - make_interval(secs => $2 * 4)
       )
       SELECT 1 + count(*)::int AS live FROM service_instance
        WHERE instance_id <> $1 AND seen_at >= now() - make_interval(secs => $2)`,
      [this.instanceId, EXPIRY_SECONDS],
    );
    const live = Math.max(1, row?.live ?? 1);
    if (live !== this.live)
      this.logger.log(`${live} live instance(s): using 1/${live} of each carrier rate limit`);
    this.live = live;
    this.carrier.setRateShare?.(1 / live);
  }
}
