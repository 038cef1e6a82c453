import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ReadinessRegistry } from '../health/readiness.registry';
import { MetricsService } from './metrics.service';

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly dataSource: DataSource,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    // Read at scrape time, each through a partial or state index, so a scrape stays cheap.
    const [row] = (await this.dataSource.query(SCRAPE_GAUGES).catch(() => [])) as ScrapeRow[];
    this.metrics.ready.set({ check: 'postgres' }, row ? 1 : 0);
    for (const [check, ok] of Object.entries(this.readiness.snapshot()))
      this.metrics.ready.set({ check }, ok ? 1 : 0);
    if (row) {
      this.metrics.outboxBacklog.set(row.backlog);
      this.metrics.outboxOldest.set(row.oldest);
      this.metrics.waitingOnPerson.set(row.needsPerson);
      this.metrics.unknownOutcomes.set({ age: 'under_1h' }, row.unknownUnder1h);
      this.metrics.unknownOutcomes.set({ age: '1h_to_24h' }, row.unknown1hTo24h);
      this.metrics.unknownOutcomes.set({ age: 'over_24h' }, row.unknownOver24h);
    }
    return this.metrics.registry.metrics();
  }
}

interface ScrapeRow {
  backlog: number;
  oldest: number;
  needsPerson: number;
  unknownUnder1h: number;
  unknown1hTo24h: number;
  unknownOver24h: number;
}

const SCRAPE_GAUGES = `
  SELECT o.backlog, o.oldest, f.needs AS "needsPerson", u.under1h AS "unknownUnder1h",
         u.day AS "unknown1hTo24h", u.older AS "unknownOver24h"
    FROM (SELECT count(*)::int AS backlog,
                 coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest
            FROM outbox_event WHERE published_at IS NULL) o,
         (SELECT count(*)::int AS needs FROM shipment_cancellation
           WHERE state = 'failed' AND requires_manual_action) f,
         (SELECT count(*) FILTER (WHERE created_at > now() - interval '1 hour')::int AS under1h,
                 count(*) FILTER (WHERE created_at <= now() - interval '1 hour'
                                    AND created_at > now() - interval '24 hours')::int AS day,
                 count(*) FILTER (WHERE created_at <= now() - interval '24 hours')::int AS older
            FROM shipment_cancellation WHERE state = 'unknown') u`;
