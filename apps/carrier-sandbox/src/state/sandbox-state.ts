import { Socket } from 'node:net';
import { InputError } from '../control/control-input';
import { FaultInjector } from '../faults/fault-injector';
import { demoDataset } from '../fixtures/demo-dataset';
import { Logger } from '../logging/json-logger';
import { TokenStore } from '../lwa/token.store';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { CancellationService } from './cancellation.service';
import { Counters } from './counters';
import { LoopStalls } from './loop-stalls';
import { defaultSettings, SandboxSettings } from './sandbox-settings';
import { parseSeedShipment } from './shipment-seed';
import { Shipment } from './shipment.model';
import { ShipmentStore } from './shipment.store';

export interface SandboxStateOptions {
  faultSeed: number | string;
  rateLimits: boolean;
  seedDemo: boolean;
  settings: Partial<SandboxSettings>;
  logger: Logger;
}

export interface SeedResult {
  created: number;
  replaced: number;
  shipments: Shipment[];
}

/** Everything the emulated APIs and the control API share; one instance per server. */
export class SandboxState {
  readonly store = new ShipmentStore();
  readonly counters = new Counters();
  readonly tokens = new TokenStore();
  readonly faults = new FaultInjector();
  readonly rateLimiter: RateLimiter;
  readonly cancellation: CancellationService;
  readonly logger: Logger;
  settings: SandboxSettings;
  private readonly held = new Set<Socket>();
  private readonly loopStalls = new LoopStalls();

  constructor(readonly options: SandboxStateOptions) {
    this.logger = options.logger;
    // A stall of the loop delays the stamp of every arrival behind it.
    this.counters.loopStalls = this.loopStalls;
    this.settings = defaultSettings(options.settings);
    this.rateLimiter = new RateLimiter(options.rateLimits);
    this.cancellation = new CancellationService(this.counters, () => this.settings, options.faultSeed);
    if (options.seedDemo) this.seed(demoDataset(this.now()));
  }

  now(): number {
    return Date.now();
  }

  /** A probe written at `sentAt` (epoch ms, the writer's clock: the same machine) has just reached the loop. */
  probe(sentAt: number): number {
    const lagMs = Math.max(0, this.now() - sentAt);
    this.loopStalls.noteDelivery(lagMs);
    return lagMs;
  }

  /** Validates every item first, so a bad bulk seed changes nothing. */
  seed(items: unknown[]): SeedResult {
    const now = this.now();
    const batchIds = new Set<string>();
    const isTaken = (id: string): boolean => this.store.has(id) || batchIds.has(id);
    const shipments = items.map((item, i) => {
      const shipment = parseSeedShipment(item, `shipments[${i}]`, now, isTaken);
      if (batchIds.has(shipment.carrierShipmentId)) {
        throw new InputError(`shipments[${i}].carrierShipmentId ${shipment.carrierShipmentId} appears twice`);
      }
      batchIds.add(shipment.carrierShipmentId);
      return shipment;
    });
    let created = 0;
    for (const shipment of shipments) {
      if (this.store.upsert(shipment) === 'created') created++;
      this.cancellation.onSeeded(shipment, now);
    }
    return { created, replaced: shipments.length - created, shipments };
  }

  /** Reads a shipment with any due MFN refund decision applied. */
  shipment(carrierShipmentId: string): Shipment | undefined {
    const shipment = this.store.get(carrierShipmentId);
    if (shipment) this.cancellation.refresh(shipment, this.now());
    return shipment;
  }

  refreshAll(shipments: Shipment[]): Shipment[] {
    const now = this.now();
    for (const s of shipments) this.cancellation.refresh(s, now);
    return shipments;
  }

  /** Token lifetime: the fault profile's override, else the setting. */
  tokenTtlSeconds(): number {
    return this.faults.tokenTtlOverride() ?? this.settings.tokenTtlSeconds;
  }

  /** Back to the start-up state. Issued access tokens survive: callers keep their cached tokens. */
  reset(seedDemo: boolean = this.options.seedDemo): void {
    this.store.clear();
    this.counters.reset();
    this.faults.clear();
    this.rateLimiter.reset(this.options.rateLimits);
    this.tokens.resetCredentials();
    this.settings = defaultSettings(this.options.settings);
    this.cancellation.reseed(this.options.faultSeed);
    if (seedDemo) this.seed(demoDataset(this.now()));
  }

  /** Latency fault: delayed requests still complete during a graceful shutdown. */
  later(ms: number, fn: () => void): void {
    setTimeout(fn, ms);
  }

  /** Timeout fault: keep the socket open and never answer. */
  hold(socket: Socket | null): void {
    if (!socket) return;
    this.held.add(socket);
    socket.once('close', () => this.held.delete(socket));
  }

  shutdown(): void {
    this.loopStalls.stop();
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }
}
