/** Handler patterns of the Kafka consumers; the transport maps the configured topics onto them. */
export const Patterns = {
  orderCancelled: 'order-cancelled',
  shipmentPurchased: 'shipment-purchased',
} as const;
