import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Json } from './json';

/** The first response to an admin write with an Idempotency-Key, replayed for a repeat of the same request. */
@Entity('idempotency_record')
export class IdempotencyRecordEntity {
  @PrimaryColumn('text') actor!: string;
  @PrimaryColumn('text', { name: 'idempotency_key' }) idempotencyKey!: string;
  @Column('text') method!: string;
  @Column('text') path!: string;
  @Column('text', { name: 'request_hash' }) requestHash!: string;
  @Column('int', { name: 'response_status' }) responseStatus!: number;
  @Column('jsonb', { name: 'response_body' }) responseBody!: Json;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}
