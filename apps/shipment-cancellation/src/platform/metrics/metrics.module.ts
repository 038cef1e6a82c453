import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';

/** One metrics registry for the whole process, injectable everywhere (the carrier client included). */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
