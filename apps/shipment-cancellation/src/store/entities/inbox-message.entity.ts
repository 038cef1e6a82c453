import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An input we have applied; its key makes a redelivered message a no-op. */
@Entity('inbox_message')
export class InboxMessageEntity {
  /** The CloudEvent id, or `topic/partition/offset` for a message too broken to have one. */
  @PrimaryColumn('text', { name: 'message_id' }) messageId!: string;
  @Column('text', { name: 'event_type', nullable: true }) eventType!: string | null;
  @Column('text') topic!: string;
  @Column('int') partition!: number;
  @Column('bigint') offset!: string;
  @Column('text', { name: 'order_id', nullable: true }) orderId!: string | null;
  @Column('text') result!: 'processed' | 'duplicate_order' | 'dead_lettered';
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
}
