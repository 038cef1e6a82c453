// Every instance heartbeats into Postgres and counts the live ones; each then uses 1/n of the carrier's rate
// limits, so n instances together never exceed Amazon's quota. A crashed instance's share returns on expiry.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { CarrierCancelPort } from '@oms/carrier-cancel';
import { CARRIER_PORT } from '../../platform/carrier/carrier.tokens';
import { InstancesStore } from '../../store/instances.store';

const HEARTBEAT_MS = 5_000;
const EXPIRY_SECONDS = 15;

/** Keeps this instance's heartbeat and sets the carrier's rate share from the number of live instances. */
@Injectable()
export class InstanceRegistry {
  readonly instanceId = randomUUID();
  private readonly logger = new Logger('InstanceRegistry');
  private readonly store: InstancesStore;
  private timer: NodeJS.Timeout | null = null;
  private live = 1;

  constructor(
    dataSource: DataSource,
    @Inject(CARRIER_PORT) private readonly carrier: CarrierCancelPort,
  ) {
    this.store = new InstancesStore(dataSource);
  }

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
    await this.store.remove(this.instanceId).catch(() => undefined);
  }

  /** Records this instance as alive, forgets the silent ones, and adjusts the rate share. */
  async beat(): Promise<void> {
    const live = Math.max(1, await this.store.heartbeat(this.instanceId, EXPIRY_SECONDS));
    if (live !== this.live)
      this.logger.log(`${live} live instance(s): using 1/${live} of each carrier rate limit`);
    this.live = live;
    this.carrier.setRateShare?.(1 / live);
  }
}
