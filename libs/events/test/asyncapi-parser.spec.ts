// The AsyncAPI document is checked by the official parser (its own schema validation and Spectral rules), not
// only by our reading of it in src/asyncapi.spec.ts.
import { Parser, type Diagnostic } from '@asyncapi/parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
const problems = (diagnostics: Diagnostic[]): string[] =>
  diagnostics
    .filter((d) => d.severity <= 1)
    .map((d) => `${d.severity === 0 ? 'error' : 'warning'} ${d.code} at ${d.path.join('/')}: ${d.message}`);

describe('asyncapi.yaml, read by @asyncapi/parser', () => {
  const parser = new Parser();
  const text = readFileSync(join(__dirname, '..', 'asyncapi.yaml'), 'utf8');

  it('is a valid AsyncAPI 3 document without errors or warnings', async () => {
    const { document, diagnostics } = await parser.parse(text);
    expect(problems(diagnostics)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    expect(
      document
        ?.channels()
        .all()
        .map((channel) => channel.address()),
    ).toEqual([
      'oms.order.cancelled.v1',
      'oms.shipment.purchased.v1',
      'oms.shipment.cancelled.v1',
      'oms.order.manual-reship-required.v1',
      'oms.shipment.cancellation-failed.v1',
      'oms.shipment-cancellation.dlq.v1',
    ]);
    expect(document?.messages().all().length).toBe(6);
  });

  it('would report a broken document (the check is not vacuous)', async () => {
    const broken = text.replace(
      "$ref: '#/components/messages/orderCancelled'",
      "$ref: '#/components/messages/nope'",
    );
    expect(broken).not.toBe(text);
    const { document, diagnostics } = await parser.parse(broken);
    expect(document).toBeUndefined();
    expect(problems(diagnostics).join('\n')).toMatch(/error .*nope/);
  });
});
