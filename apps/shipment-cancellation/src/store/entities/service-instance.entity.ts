import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A running instance of the service, heartbeating so the others can count the live ones. */
@Entity('service_instance')
export class ServiceInstanceEntity {
  @PrimaryColumn('text', { name: 'instance_id' }) instanceId!: string;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'seen_at' }) seenAt!: Date;
}
