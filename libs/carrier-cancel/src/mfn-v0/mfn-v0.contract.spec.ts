import Ajv from 'ajv';
import type { CarrierCancelClient } from '../carrier-cancel.client';
import type { CancelOutcome, ShipmentStatusResult } from '../port';
import { AmazonStubServer } from '../../test/support/amazon-stub.server';
import { loadModel, ModelOracle } from '../../test/support/amazon-models.oracle';
import { stubClient, V0_REQUEST } from '../../test/support/client.fixture';
import { mfnShipment } from '../../test/support/mfn-v0.fixtures';

const mfn = new ModelOracle(loadModel('merchantFulfillmentV0.json'));
const TEMPLATE = '/mfn/v0/shipments/{shipmentId}';
const RDT = '/tokens/2021-03-01/restrictedDataToken';

// Tokens API 2021-03-01 CreateRestrictedDataTokenRequest (no model file ships with the specs).
const rdtRequestSchema = {
  type: 'object',
  required: ['restrictedResources'],
  properties: {
    targetApplication: { type: 'string' },
    restrictedResources: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['method', 'path'],
        properties: {
          method: { enum: ['GET', 'PUT', 'POST', 'DELETE'] },
          path: { type: 'string', pattern: '^/' },
          dataElements: { type: 'array', items: { type: 'string' } },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

describe('MFN v0 against Amazon’s model', () => {
  let stub: AmazonStubServer;
  let client: CarrierCancelClient;

  beforeEach(async () => {
    stub = await AmazonStubServer.start();
    stub.on('POST', RDT, {
      status: 200,
      json: { restrictedDataToken: 'Atz.sprdt|contract', expiresIn: 3600 },
    });
    client = stubClient(stub, {
      retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
      rateLimits: { 'amazon-mfn-v0': { ratePerSecond: 1_000, burst: 1_000 } },
    });
  });
  afterEach(async () => {
    await client.close();
    await stub.close();
  });

  it('DELETE and GET requests satisfy the model (method, path, UUID pattern, token) and the RDT request its schema', async () => {
    stub.on('DELETE', /^\/mfn\/v0\/shipments\//, {
      status: 200,
      json: { payload: mfnShipment('RefundPending') },
    });
    stub.on('GET', /^\/mfn\/v0\/shipments\//, {
      status: 200,
      json: { payload: mfnShipment('RefundPending') },
    });
    await client.cancel(V0_REQUEST);
    await client.status(V0_REQUEST);
    const sent = stub.requests.filter((r) => r.pathname.startsWith('/mfn/'));
    expect(sent.map((r) => r.method)).toEqual(['DELETE', 'GET']);
    for (const request of sent) expect(mfn.checkRequest(TEMPLATE, request)).toEqual([]);
    const validate = new Ajv().compile(rdtRequestSchema);
    for (const request of stub.requestsTo('POST', RDT)) {
      expect(validate(JSON.parse(request.body))).toBe(true);
      expect(request.headers['content-type']).toBe('application/json');
    }
  });

  it('the oracle rejects a shipment id outside the model’s UUID pattern', () => {
    const request = {
      method: 'DELETE',
      url: '',
      pathname: '/mfn/v0/shipments/TEST_CASE_400',
      query: new URLSearchParams(),
      headers: { 'x-amz-access-token': 'x' },
      body: '',
    };
    expect(mfn.checkRequest(TEMPLATE, request)).toEqual([
      expect.stringContaining('path shipmentId must match pattern'),
    ]);
  });

  const cancelCases = mfn.sandboxCases('DELETE', TEMPLATE);
  const expectedCancel: Record<number, Partial<CancelOutcome>> = {
    200: { kind: 'refund_pending', shipmentStatus: 'RefundPending' },
    400: { kind: 'rejected', reason: 'invalid_request', errorCode: 'InvalidInput' },
  };

  it('the model has sandbox cases for cancelShipment 200 and 400', () => {
    expect(cancelCases.map((c) => c.status).sort()).toEqual([200, 400]);
  });

  it.each(cancelCases.map((c) => [c.status, c.parameters['shipmentId'], c]))(
    'replays the cancelShipment sandbox case %i (%s)',
    async (status, shipmentId, sandboxCase) => {
      stub.on('DELETE', `/mfn/v0/shipments/${shipmentId}`, {
        status: Number(status),
        json: sandboxCase.response,
      });
      const outcome = await client.cancel({ ...V0_REQUEST, carrierShipmentId: String(shipmentId) });
      expect(outcome).toMatchObject({ ...expectedCancel[Number(status)], httpStatus: status });
    },
  );

  it('Amazon’s own cancelled-shipment example has FileType "" which fails the model’s enum; the adapter takes it', async () => {
    const example = cancelCases.find((c) => c.status === 200)?.response as { payload: unknown };
    expect(mfn.validateDefinition('CancelShipmentResponse', example)).toEqual([
      expect.stringMatching(
        /^\/payload\/Label\/FileContents\/FileType must be equal to one of the allowed values$/,
      ),
    ]);
    stub.on('DELETE', /^\/mfn\/v0\/shipments\//, { status: 200, json: example });
    const outcome = await client.cancel({
      ...V0_REQUEST,
      carrierShipmentId: 'be7a0a53-00c3-4f6f-a63a-639f76ee9253',
    });
    expect(outcome.shipment?.Label?.FileContents?.FileType).toBe('');
  });

  const getCases = mfn.sandboxCases('GET', TEMPLATE);
  const expectedStatus: Record<number, Partial<ShipmentStatusResult>> = {
    200: { kind: 'found', state: 'active', rawStatus: 'Purchased' },
    400: { kind: 'error', httpStatus: 400 },
  };

  it.each(getCases.map((c) => [c.status, c.parameters['shipmentId'], c]))(
    'replays the getShipment sandbox case %i (%s) through status()',
    async (status, shipmentId, sandboxCase) => {
      stub.on('GET', `/mfn/v0/shipments/${shipmentId}`, {
        status: Number(status),
        json: sandboxCase.response,
      });
      expect(await client.status({ ...V0_REQUEST, carrierShipmentId: String(shipmentId) })).toMatchObject(
        expectedStatus[Number(status)] ?? {},
      );
    },
  );

  it('the shipments the specs use are valid model Shipments (with a real FileType when purchased)', () => {
    expect(mfn.validateDefinition('Shipment', mfnShipment('Purchased'))).toEqual([]);
    const cancelled = mfnShipment('RefundApplied', {
      Label: {
        Dimensions: { Length: 6, Width: 4, Unit: 'inches' },
        FileContents: { Contents: '', FileType: 'image/png', Checksum: '' },
      },
    });
    expect(mfn.validateDefinition('Shipment', cancelled)).toEqual([]);
    expect(mfn.validateDefinition('Shipment', mfnShipment('Cancelled'))).not.toEqual([]);
  });
});
