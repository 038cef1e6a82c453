import type { ServerResponse } from 'node:http';
import type { AdminResponse } from '../audited-write.service';
import type { AdminRequest } from './admin-request';

/** Sends a write's answer: its status depends on the outcome (or on the first answer, for a replay). */
export function reply(res: ServerResponse, answer: AdminResponse): unknown {
  res.statusCode = answer.status;
  if (answer.replayed) res.setHeader('idempotent-replayed', 'true');
  return answer.body;
}

/** The request's path without its query: part of what makes an idempotent request "the same". */
export const pathOf = (req: AdminRequest): string => (req.originalUrl ?? req.url ?? '').split('?')[0] ?? '';
