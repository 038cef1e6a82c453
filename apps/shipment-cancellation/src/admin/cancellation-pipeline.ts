import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CancellationService } from '../cancellation/cancellation.service';
import { CarrierWorker } from '../cancellation/carrier-worker.service';
import { OutboxWriter } from '../outbox/outbox.writer';

/**
 * The event path's own pipeline, for manual cancels: the same service, outbox and worker instances. AppModule
 * declares them and imports AdminModule, so they cannot be injected here; they are looked up once, on first
 * use, in the whole application (there must be exactly one worker to wake and one outbox notifier).
 */
@Injectable()
export class CancellationPipeline {
  private resolved: {
    cancellations: CancellationService;
    outbox: OutboxWriter;
    worker: CarrierWorker;
  } | null = null;

  constructor(private readonly moduleRef: ModuleRef) {}

  private get parts() {
    this.resolved ??= {
      cancellations: this.moduleRef.get(CancellationService, { strict: false }),
      outbox: this.moduleRef.get(OutboxWriter, { strict: false }),
      worker: this.moduleRef.get(CarrierWorker, { strict: false }),
    };
    return this.resolved;
  }

  get cancellations(): CancellationService {
    return this.parts.cancellations;
  }

  get outbox(): OutboxWriter {
    return this.parts.outbox;
  }

  get worker(): CarrierWorker {
    return this.parts.worker;
  }
}
