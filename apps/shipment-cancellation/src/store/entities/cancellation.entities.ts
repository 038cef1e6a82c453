import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { CancelTrigger, CarrierApi, FailureReason } from '@oms/events';
import type { CancellationState, RefundStatus, ReshipRule } from '../../domain/cancellation';

export type { CancellationState, RefundStatus, ReshipRule };

/** One request to cancel an order (or one shipment of it), from an event or an operator. */
@Entity('cancellation_request')
export class CancellationRequestEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'order_id' }) orderId!: string;
  @Column('text') scope!: 'order' | 'shipment';
  @Column('text') trigger!: CancelTrigger;
  @Column('text') actor!: string;
  @Column('text', { nullable: true }) reason!: string | null;
  @Column('text', { name: 'causation_id' }) causationId!: string;
  @Column('text', { name: 'correlation_id' }) correlationId!: string;
  @Column('text') rule!: ReshipRule;
  @Column('int', { name: 'shipment_count' }) shipmentCount!: number;
  @Column('uuid', { name: 'manual_reship_event_id', nullable: true }) manualReshipEventId!: string | null;
  @Column('text') status!: 'in_progress' | 'completed';
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt!: Date | null;
  /** The W3C traceparent of the input that asked for it; outputs and carrier calls join its trace. */
  @Column('text', { name: 'trace_parent', nullable: true }) traceParent!: string | null;
}

/** The cancellation of one shipment: a small state machine driven by the carrier worker. */
@Entity('shipment_cancellation')
export class ShipmentCancellationEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'request_id' }) requestId!: string;
  /** The request it belongs to, on the same request_id column: loaded only where a read joins it. */
  @ManyToOne(() => CancellationRequestEntity)
  @JoinColumn({ name: 'request_id' })
  request?: CancellationRequestEntity;
  @Column('text', { name: 'order_id' }) orderId!: string;
  @Column('text', { name: 'shipment_id' }) shipmentId!: string;
  @Column('text') carrier!: CarrierApi;
  @Column('text', { name: 'carrier_shipment_id' }) carrierShipmentId!: string;
  @Column('text', { name: 'seller_account' }) sellerAccount!: string;
  @Column('text') state!: CancellationState;
  @Column('text') operation!: 'cancel' | 'follow_up';
  @Column('boolean', { name: 'reship_eligible' }) reshipEligible!: boolean;
  @Column('boolean', { name: 'possibly_sent' }) possiblySent!: boolean;
  @Column('int') attempts!: number;
  @Column('int', { name: 'attempts_before_retry' }) attemptsBeforeRetry!: number;
  @Column('int', { name: 'event_sequence' }) eventSequence!: number;
  @Column('uuid', { name: 'last_final_event_id', nullable: true }) lastFinalEventId!: string | null;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt!: Date | null;
  @Column('timestamptz', { name: 'lease_until', nullable: true }) leaseUntil!: Date | null;
  @Column('text', { nullable: true }) outcome!: 'voided' | 'refund_pending' | 'already_cancelled' | null;
  @Column('text', { name: 'failure_reason', nullable: true }) failureReason!: FailureReason | null;
  @Column('boolean', { name: 'requires_manual_action' }) requiresManualAction!: boolean;
  @Column('text', { name: 'refund_status' }) refundStatus!: RefundStatus;
  @Column('text', { name: 'carrier_request_id', nullable: true }) carrierRequestId!: string | null;
  @Column('int', { name: 'http_status', nullable: true }) httpStatus!: number | null;
  @Column('text', { name: 'error_code', nullable: true }) errorCode!: string | null;
  @Column('text', { name: 'error_message', nullable: true }) errorMessage!: string | null;
  @Column('text', { name: 'error_details', nullable: true }) errorDetails!: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @Column('timestamptz', { name: 'completed_at', nullable: true }) completedAt!: Date | null;
}

/** Every exchange with the carrier, kept for operators and billing questions. */
@Entity('carrier_attempt')
export class CarrierAttemptEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'shipment_cancellation_id' }) shipmentCancellationId!: string;
  @Column('int') attempt!: number;
  @Column('text') operation!: 'cancel' | 'status';
  @Column('text') outcome!: string;
  @Column('int', { name: 'http_status', nullable: true }) httpStatus!: number | null;
  @Column('text', { name: 'carrier_request_id', nullable: true }) carrierRequestId!: string | null;
  @Column('text', { name: 'error_code', nullable: true }) errorCode!: string | null;
  @Column('text', { name: 'error_message', nullable: true }) errorMessage!: string | null;
  @Column('int') tries!: number;
  @Column('int', { name: 'elapsed_ms' }) elapsedMs!: number;
  @Column('timestamptz', { name: 'finished_at' }) finishedAt!: Date;
}
