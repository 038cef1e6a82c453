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

/**
 * Logs what needs a person: a statement Postgres refused, a slow one, TypeORM's warnings. TypeORM calls every
 * method for every statement whatever `logging` says (its own loggers filter), so the others do nothing here.
 */
export class QueryLogger implements TypeOrmLogger {
  constructor(private readonly logger = new Logger('Postgres')) {}

  logQuery(): void {
    // Every statement passes here, on the hot path: nothing to do.
  }

  // The parameters are left out on purpose (see the top of this file).
  logQueryError(error: string | Error, query: string, _parameters?: unknown[]): void {
    const message = typeof error === 'string' ? error : error.message;
    this.logger.warn(`query failed: ${message}`, { statement: statementOf(query) });
  }

  logQuerySlow(timeMs: number, query: string): void {
    this.logger.warn(`slow query: ${timeMs} ms`, { statement: statementOf(query) });
  }

  logSchemaBuild(): void {
    // The schema comes from migrations only (synchronize is off).
  }

  logMigration(): void {
    // The migration command reports what it ran (store/migrate.ts).
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level !== 'warn') return;
    this.logger.warn(typeof message === 'string' ? message : JSON.stringify(message));
  }
}
