import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { AdminReadService } from './admin-read.service';
import { AuditedWriteService } from './audited-write.service';
import { CancellationModule } from '../pipeline/pipeline.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { DeadLettersService } from './dead-letters/dead-letters.service';
import { ManualCancellationService } from './manual-cancellation.service';
import { BulkRetryService } from './bulk-retry.service';
import { CancellationResolutionService } from './cancellation-resolution.service';
import { ResolutionController } from './resolution.controller';
import { ConsoleController } from './console/console.controller';

// The guard (ApiKeyGuard) is not a provider: @UseGuards makes the one instance, which holds the rate limits.
/**
 * The operators' REST API under /admin/v1, and the console at /console that drives it from a browser. HTTP
 * only: no Kafka here; writes go through the cancellation pipeline, redrives through the dead-letters module.
 */
@Module({
  imports: [CancellationModule, DeadLettersModule],
  controllers: [AdminController, ResolutionController, DeadLettersController, ConsoleController],
  providers: [
    AdminReadService,
    AuditedWriteService,
    ManualCancellationService,
    CancellationResolutionService,
    BulkRetryService,
    DeadLettersService,
  ],
})
export class AdminModule {}
