import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An output event written in the same transaction as the state change it reports. */
@Entity('outbox_event')
export class OutboxEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'event_id' }) eventId!: string;
  @Column('text') topic!: string;
  @Column('text', { name: 'message_key', nullable: true }) messageKey!: string | null;
  @Column('text', { name: 'event_type' }) eventType!: string;
  @Column('jsonb') payload!: unknown;
  @Column('jsonb') headers!: Record<string, string>;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'published_at', nullable: true }) publishedAt!: Date | null;
}
