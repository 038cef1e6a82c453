import { EventValidationError } from '@oms/events';
import { describeRefusal, isRefusedInput } from './refused-input';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });
/** TypeORM's QueryFailedError: the driver's error kept as `driverError`. */
const wrapped = (code: string) => Object.assign(new Error('query failed'), { driverError: pgError(code) });

describe('isRefusedInput', () => {
  it.each([
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
    ['22003', 'numeric field overflow'],
    ['22008', 'date/time field value out of range'],
    ['23514', 'check constraint violated'],
    ['54000', 'index row size exceeds btree maximum'],
  ])('isolates the input on SQLSTATE %s (%s)', (code, message) => {
    expect(isRefusedInput(pgError(code, message))).toBe(true);
    expect(isRefusedInput(wrapped(code))).toBe(true);
  });

  it.each([
    ['08006', 'connection failure'],
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock detected'],
    ['53300', 'too many connections'],
    ['57P01', 'admin shutdown'],
    ['42P01', 'undefined table (our bug, not the input)'],
  ])('stalls and retries on SQLSTATE %s (%s)', (code) => {
    expect(isRefusedInput(pgError(code))).toBe(false);
  });

  it('stalls on errors without a SQLSTATE (a lost connection, a timeout)', () => {
    expect(isRefusedInput(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isRefusedInput(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isRefusedInput(undefined)).toBe(false);
  });

  it('isolates an input whose output would break the contract', () => {
    expect(isRefusedInput(new EventValidationError('schema_invalid', [], 'x'))).toBe(true);
  });

  it('describes the refusal with its SQLSTATE', () => {
    expect(describeRefusal(wrapped('22003'))).toBe('query failed (SQLSTATE 22003)');
    expect(describeRefusal(new Error('plain'))).toBe('plain');
  });
});
