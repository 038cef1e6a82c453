import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { MetricsService } from './metrics.service';

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    // Read at scrape time: the partial index on unpublished rows keeps this cheap.
    const [row]: Array<{ backlog: number }> = await this.dataSource
      .query(`SELECT count(*)::int AS backlog FROM outbox_event WHERE published_at IS NULL`)
      .catch(() => [] as Array<{ backlog: number }>);
    if (row) this.metrics.outboxBacklog.set(row.backlog);
    return this.metrics.registry.metrics();
  }
}
