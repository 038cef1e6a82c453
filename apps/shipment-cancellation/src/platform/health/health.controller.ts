import { Controller, Get, HttpCode, HttpException, HttpStatus } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ReadinessRegistry } from './readiness.registry';

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** The process is up and its event loop answers. */
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Postgres answers and the Kafka consumer and producer are connected. */
  @Get('ready')
  async ready(): Promise<{ status: 'ready'; checks: Record<string, boolean> }> {
    const postgres = await this.dataSource
      .query('SELECT 1')
      .then(() => true)
      .catch(() => false);
    const checks = { postgres, ...this.readiness.snapshot() };
    if (Object.values(checks).every(Boolean)) return { status: 'ready', checks };
    throw new HttpException({ status: 'not_ready', checks }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
