// TypeORM's messages through the service's logger (one JSON line each), never with a statement's parameters:
// they hold order ids, reasons and request bodies, which the caller that handles the error logs with its context.
import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/** How much of a statement a line carries: enough to tell which one failed. */
export const STATEMENT_CHARS = 200;

/** A statement on one line, cut to STATEMENT_CHARS. */
export function statementOf(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > STATEMENT_CHARS ? `${flat.slice(0, STATEMENT_CHARS)}…` : flat;
}

export class QueryLogger implements TypeOrmLogger {
  constructor(private readonly logger = new Logger('Postgres')) {}

  logQuery(query: string): void {
    this.logger.debug(`query: ${statementOf(query)}`);
  }

  // The parameters are left out on purpose (see the top of this file).
  logQueryError(error: string | Error, query: string, _parameters?: unknown[]): void {
    const message = typeof error === 'string' ? error : error.message;
    this.logger.warn(`query failed: ${message}`, { statement: statementOf(query) });
  }

  logQuerySlow(timeMs: number, query: string): void {
    this.logger.warn(`slow query: ${timeMs} ms`, { statement: statementOf(query) });
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    if (level === 'warn') this.logger.warn(text);
    else this.logger.log(text);
  }
}
