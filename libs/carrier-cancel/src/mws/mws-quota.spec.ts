import { parseBody } from '../http/amazon-response.parser';
import { quotaReportOf } from './mws-quota';

describe('quotaReportOf', () => {
  it('reads ResponseHeaderMetadata from a JSON answer', () => {
    const body = JSON.stringify({
      CancelShipmentResult: {},
      ResponseHeaderMetadata: { QuotaMax: 10, QuotaRemaining: 3, QuotaResetsAt: '2026-12-05T10:00:00+00:00' },
    });
    expect(quotaReportOf(parseBody(body), {})).toEqual({ max: 10, remaining: 3 });
  });

  it('reads it from an XML answer, where the values are text', () => {
    const body =
      '<CancelShipmentResponse><CancelShipmentResult/><ResponseHeaderMetadata><QuotaMax>10</QuotaMax>' +
      '<QuotaRemaining>0</QuotaRemaining></ResponseHeaderMetadata></CancelShipmentResponse>';
    expect(quotaReportOf(parseBody(body), {})).toEqual({ max: 10, remaining: 0 });
  });

  it('falls back to the x-mws-quota headers', () => {
    const report = quotaReportOf(parseBody('{}'), { 'x-mws-quota-max': '10', 'x-mws-quota-remaining': '7' });
    expect(report).toEqual({ max: 10, remaining: 7 });
  });

  it('reports nothing for the seed sample, whose quota fields are null', () => {
    const body = JSON.stringify({
      ResponseHeaderMetadata: { QuotaMax: null, QuotaRemaining: null, QuotaResetsAt: null },
    });
    expect(quotaReportOf(parseBody(body), {})).toBeUndefined();
  });
});
