import { Module, type OnModuleInit } from '@nestjs/common';
import { OutboxWriter } from '../store/outbox.writer';
import { UnitOfWork } from '../store/unit-of-work';
import { CancellationProgress } from './apply/cancellation-progress';
import { CancellationService } from './ingest/cancellation.service';
import { CarrierWorker } from './dispatch/carrier-worker.service';
import { OutcomeApplier } from './apply/outcome-applier.service';

/**
 * The cancellation pipeline shared by every way in (the Kafka consumers and the admin API): the reship rule,
 * the carrier worker, the outbox writer and the unit of work, one instance each.
 */
@Module({
  providers: [
    CancellationProgress,
    CancellationService,
    OutcomeApplier,
    CarrierWorker,
    OutboxWriter,
    UnitOfWork,
  ],
  exports: [CancellationProgress, CancellationService, CarrierWorker, OutboxWriter, UnitOfWork],
})
export class CancellationModule implements OnModuleInit {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly worker: CarrierWorker,
  ) {}

  /** Transactions tell the carrier worker what they made due or leased, without importing it. */
  onModuleInit(): void {
    const worker = this.worker;
    this.unitOfWork.connectWorker({
      wake: () => worker.wake(),
      reserve: (items) => {
        const reservation = worker.reserve(items);
        return {
          leased: reservation.leased,
          leaseMs: reservation.leaseMs,
          run: (leasedRows) => worker.runLeased(reservation, leasedRows),
          release: () => worker.release(reservation),
        };
      },
    });
  }
}
