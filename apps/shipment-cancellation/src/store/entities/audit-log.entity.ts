import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AdminAction, AuditEntry } from '../audit-log.writer';
import type { Json } from './json';
import type { AdminApiKey } from '../../platform/config/config';

/** One admin write: who, why, on what, what was asked and what came of it. Never updated or deleted. */
@Entity('audit_log')
export class AuditLogEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('timestamptz', { name: 'occurred_at' }) occurredAt!: Date;
  @Column('text') actor!: string;
  @Column('text') role!: AdminApiKey['role'];
  @Column('text') action!: AdminAction;
  @Column('text') reason!: string;
  @Column('text', { name: 'request_id' }) requestId!: string;
  @Column('text', { name: 'idempotency_key', nullable: true }) idempotencyKey!: string | null;
  @Column('text', { name: 'target_type' }) targetType!: AuditEntry['targetType'];
  @Column('text', { name: 'target_id' }) targetId!: string;
  @Column('jsonb') request!: Omit<AuditEntry['request'], 'body'> & { body: Json };
  @Column('int', { name: 'response_status' }) responseStatus!: number;
  @Column('jsonb') result!: Json;
}
