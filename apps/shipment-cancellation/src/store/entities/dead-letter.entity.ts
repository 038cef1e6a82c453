import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { StoredHeader } from '../dead-letter-bytes';

/** An input that can never be processed, with its original bytes, kept for operators to inspect and redrive. */
@Entity('dead_letter')
export class DeadLetterEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'consumer_group' }) consumerGroup!: string;
  @Column('text') topic!: string;
  @Column('int') partition!: number;
  @Column('bigint') offset!: string;
  @Column('bytea', { name: 'message_key', nullable: true }) messageKey!: Buffer | null;
  @Column('bytea') payload!: Buffer;
  @Column('boolean', { name: 'payload_null' }) payloadNull!: boolean;
  @Column('jsonb') headers!: StoredHeader[];
  @Column('text', { name: 'error_kind' }) errorKind!: string;
  @Column('text', { name: 'error_message' }) errorMessage!: string;
  @Column('jsonb', { name: 'error_issues' }) errorIssues!: Array<{ path: string; message: string }>;
  @Column('text', { name: 'event_type', nullable: true }) eventType!: string | null;
  @Column('text', { name: 'order_id', nullable: true }) orderId!: string | null;
  @Column('timestamptz', { name: 'dead_lettered_at' }) deadLetteredAt!: Date;
  @Column('int', { name: 'redrive_count' }) redriveCount!: number;
  @Column('timestamptz', { name: 'last_redriven_at', nullable: true }) lastRedrivenAt!: Date | null;
  @Column('text', { name: 'last_redriven_by', nullable: true }) lastRedrivenBy!: string | null;
}
