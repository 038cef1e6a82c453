import { Module } from '@nestjs/common';
import { OutboxWriter } from '../store/outbox.writer';
import { CancellationProgress } from './apply/cancellation-progress';
import { CancellationService } from './ingest/cancellation.service';
import { CarrierWorker } from './dispatch/carrier-worker.service';
import { OutcomeApplier } from './apply/outcome-applier.service';

/**
 * The cancellation pipeline shared by every way in (the Kafka consumers and the admin API): the reship rule,
 * the carrier worker and the outbox writer, one instance each.
 */
@Module({
  providers: [CancellationProgress, CancellationService, OutcomeApplier, CarrierWorker, OutboxWriter],
  exports: [CancellationProgress, CancellationService, CarrierWorker, OutboxWriter],
})
export class CancellationModule {}
