import type { LoggerService, LogLevel } from '@nestjs/common';
import { DESCEND, boundedCopy } from '@oms/carrier-cancel';
import { currentRequestId } from './request-context';

const ORDER: Record<string, number> = {
  debug: 10,
  verbose: 10,
  log: 20,
  info: 20,
  warn: 30,
  error: 40,
  fatal: 50,
};

// Tokens and secrets must never reach a log line, whatever a message carries.
const SECRET_PATTERNS: RegExp[] = [
  /Atz[ar]\|[A-Za-z0-9\-_.|=+/]+/g,
  /(client_secret|refresh_token|access_token)=[^&\s"]+/gi,
];

export function redact(text: string): string {
  return SECRET_PATTERNS.reduce(
    (out, pattern) => out.replace(pattern, (m) => `${m.slice(0, 4)}[redacted]`),
    text,
  );
}

/**
 * A copy of log fields that JSON.stringify can always write, made without recursion (see boundedCopy): an Error
 * becomes its message, a bigint its digits, a date its ISO text. Secrets are masked afterwards, in the written
 * line, whatever their depth.
 */
export function loggable(value: unknown): unknown {
  return boundedCopy(value, (item) => {
    if (typeof item === 'bigint') return item.toString();
    if (item === null || typeof item !== 'object') return item;
    if (item instanceof Error) return item.message;
    if (item instanceof Date) return Number.isNaN(item.getTime()) ? null : item.toISOString();
    return DESCEND;
  });
}

/**
 * One JSON object per line: time, level, context, message, the id of the HTTP request being handled (if any),
 * and any fields passed as the last argument (a field of the same name wins).
 */
export class JsonLogger implements LoggerService {
  private readonly threshold: number;

  constructor(
    level: 'debug' | 'info' | 'warn' | 'error' = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {
    this.threshold = ORDER[level] ?? 20;
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('fatal', message, rest);
  }
  setLogLevels(_levels: LogLevel[]): void {
    // The level comes from LOG_LEVEL once, at start.
  }

  private emit(level: string, message: unknown, rest: unknown[]): void {
    if ((ORDER[level] ?? 20) < this.threshold) return;
    // Nest passes the context as the last string argument; an object before it carries extra fields.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields = rest.find((r): r is Record<string, unknown> => typeof r === 'object' && r !== null) ?? {};
    const copied = loggable(fields);
    const safeFields = typeof copied === 'object' && copied !== null ? copied : {};
    const stack = rest.find((r): r is string => typeof r === 'string' && r.includes('\n    at '));
    const msg =
      message instanceof Error
        ? message.message
        : typeof message === 'string'
          ? message
          : JSON.stringify(loggable(message));
    const requestId = currentRequestId();
    const entry = {
      time: new Date().toISOString(),
      level,
      ...(context ? { context } : {}),
      msg,
      ...(requestId ? { requestId } : {}),
      ...safeFields,
      ...(stack ? { stack } : {}),
    };
    this.write(redact(JSON.stringify(entry)));
  }
}
