// Request bodies for the MWS bridge in both formats seed 001 documents.

const XML_NAMESPACES =
  'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function cancelShipmentBody(
  shipmentId: string,
  format: 'json' | 'xml',
): { contentType: string; body: string } {
  if (format === 'json')
    return { contentType: 'application/json', body: JSON.stringify({ ShipmentId: shipmentId }) };
  return {
    contentType: 'application/xml',
    body: `<AmzShipmentRequest ${XML_NAMESPACES}><ShipmentId>${escapeXml(shipmentId)}</ShipmentId></AmzShipmentRequest>`,
  };
}
