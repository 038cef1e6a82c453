/** Default Kafka topic names; each can be overridden by configuration. */
export const Topics = {
  orderCancelled: 'oms.order.cancelled.v1',
  shipmentPurchased: 'oms.shipment.purchased.v1',
  shipmentCancelled: 'oms.shipment.cancelled.v1',
  manualReshipRequired: 'oms.order.manual-reship-required.v1',
  shipmentCancellationFailed: 'oms.shipment.cancellation-failed.v1',
  deadLetter: 'oms.shipment-cancellation.dlq.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];
