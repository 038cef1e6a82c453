import { Logger } from '@nestjs/common';
import { logLevel } from 'kafkajs';
import { loadConfig } from '../config/config';
import { JsonLogger } from '../logging/json-logger';
import { KafkaClients, kafkaLogLevel } from './kafka-clients';

const entry = (level: logLevel, message: string, fields: Record<string, unknown> = {}) => ({
  level,
  log: { timestamp: '2026-12-04T00:00:00.000Z', message, ...fields },
});
// What kafkajs' connection logs when a response carries an error code.
const response = (api: string, error: string) =>
  entry(logLevel.ERROR, `Response ${api}`, {
    broker: '127.0.0.1:9092',
    clientId: 'oms',
    error,
    correlationId: 7,
    size: 40,
  });

describe('kafkaLogLevel', () => {
  it.each([
    [
      'ListOffsets right after the topics are created',
      response('ListOffsets(key: 2, version: 4)', 'This server is not the leader for that topic-partition'),
    ],
    [
      'a leadership election',
      response(
        'Metadata(key: 3, version: 6)',
        'There is no leader for this topic-partition as we are in the middle of a leadership election',
      ),
    ],
    [
      'the coordinator loading a fresh group',
      response(
        'FindCoordinator(key: 10, version: 2)',
        "The coordinator is loading and hence can't process requests for this group",
      ),
    ],
    [
      'no group coordinator yet',
      response('FindCoordinator(key: 10, version: 2)', 'The group coordinator is not available'),
    ],
    [
      'the coordinator moved',
      response('Heartbeat(key: 12, version: 3)', 'This is not the correct coordinator for this group'),
    ],
    [
      'a rebalance',
      response('Heartbeat(key: 12, version: 3)', 'The group is rebalancing, so a rejoin is needed'),
    ],
    [
      'a producer retrying a send',
      entry(
        logLevel.ERROR,
        'Failed to send messages: This server is not the leader for that topic-partition',
        { retryCount: 0 },
      ),
    ],
    [
      'an error type in the entry',
      entry(logLevel.ERROR, 'Response JoinGroup', { type: 'COORDINATOR_NOT_AVAILABLE' }),
    ],
    [
      'a protocol name as the type',
      entry(logLevel.ERROR, 'Response ListOffsets', { errorType: 'NOT_LEADER_OR_FOLLOWER' }),
    ],
    [
      'an Error object',
      entry(logLevel.ERROR, 'Response OffsetFetch', {
        error: Object.assign(
          new Error("The coordinator is loading and hence can't process requests for this group"),
          { name: 'KafkaJSProtocolError' },
        ),
      }),
    ],
  ])('logs %s at warn', (_case, logEntry) => {
    expect(kafkaLogLevel(logEntry)).toBe('warn');
  });

  it.each([
    [
      'a refused connection',
      entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', { retryCount: 3 }),
    ],
    ['a failed authentication', response('SaslAuthenticate(key: 36, version: 1)', 'Authentication failed')],
    [
      'a missing topic',
      response('Metadata(key: 3, version: 6)', 'This server does not host this topic-partition'),
    ],
    [
      'a crash, even on a transient cause (kafkajs gave up retrying)',
      entry(logLevel.ERROR, 'Crash: KafkaJSNumberOfRetriesExceeded: The group coordinator is not available', {
        groupId: 'g',
      }),
    ],
    [
      'the restart after a crash',
      entry(logLevel.ERROR, 'Restarting the consumer in 300ms', { retryCount: 10, groupId: 'g' }),
    ],
    ['an unknown type', entry(logLevel.ERROR, 'Response Produce', { type: 'MESSAGE_TOO_LARGE' })],
  ])('keeps %s at error', (_case, logEntry) => {
    expect(kafkaLogLevel(logEntry)).toBe('error');
  });

  it('keeps warnings at warn and logs the rest at debug', () => {
    expect(kafkaLogLevel(entry(logLevel.WARN, 'The group is rebalancing, re-joining'))).toBe('warn');
    expect(kafkaLogLevel(entry(logLevel.INFO, 'Starting'))).toBe('debug');
    expect(kafkaLogLevel(entry(logLevel.DEBUG, 'Request Metadata'))).toBe('debug');
  });
});

describe('KafkaClients logging', () => {
  afterEach(() => Logger.overrideLogger(false));

  it('writes kafkajs logs through ours, transient conditions as warn lines, real errors as error lines', () => {
    const lines: Array<Record<string, unknown>> = [];
    Logger.overrideLogger(
      new JsonLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)),
    );
    const root = new KafkaClients(loadConfig({})).kafka.logger();
    root.error('Response ListOffsets(key: 2, version: 4)', {
      error: 'This server is not the leader for that topic-partition',
    });
    root.error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        context: 'kafkajs',
        msg: expect.stringContaining('This server is not the leader for that topic-partition'),
      }),
      expect.objectContaining({
        level: 'error',
        context: 'kafkajs',
        msg: expect.stringContaining('ECONNREFUSED'),
      }),
    ]);
  });
});
