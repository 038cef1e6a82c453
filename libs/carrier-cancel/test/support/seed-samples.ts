import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sharedFile } from './amazon-models.oracle';

function between(text: string, start: string, end: string, from = 0): string {
  const i = text.indexOf(start, from);
  if (i < 0) throw new Error(`seed sample not found: ${start}`);
  const j = text.indexOf(end, i + start.length);
  if (j < 0) throw new Error(`seed sample end not found: ${end}`);
  return text.slice(i, j + end.length);
}

/** The request and response samples of seed 001 (MWS CancelShipment through the bridge), verbatim. */
export function mwsSeedSamples(): {
  requestJson: string;
  requestXml: string;
  responseJson: string;
  responseXml: string;
} {
  const dir = sharedFile('seeds');
  const file = readdirSync(dir).find((name) => name.startsWith('001_'));
  if (!file) throw new Error(`seed 001 missing in ${dir}`);
  const text = readFileSync(path.join(dir, file), 'utf8');
  const responses = text.indexOf('Response Formats');
  return {
    requestJson: between(text, '{\n  "ShipmentId"', '}'),
    requestXml: between(text, '<AmzShipmentRequest', '</AmzShipmentRequest>'),
    responseJson: between(text, '{\n  "CancelShipmentResult"', '\n}', responses),
    responseXml: between(text, '<CancelShipmentResponse', '</CancelShipmentResponse>', responses),
  };
}
