import {
  bytesView,
  headerName,
  kafkaHeaders,
  safeNullableText,
  safeText,
  storedHeaders,
  textPreview,
  truncate,
} from './dead-letter-bytes';

const binary = Buffer.from([0x00, 0x01, 0xff, 0x80, 0xc3, 0x28]);

describe('text for text and jsonb columns', () => {
  it('replaces NUL, other control characters and lone surrogates, and keeps tab and newlines', () => {
    expect(safeText('a\u0000b\u0007c\u007fd\te\nf\rg')).toBe('a\uFFFDb\uFFFDc\uFFFDd\te\nf\rg');
    expect(safeText('x\uD800y\uDC00z')).toBe('x\uFFFDy\uFFFDz');
    expect(safeText('ok 😀')).toBe('ok 😀');
    // What Postgres refuses in jsonb: the escape of U+0000.
    expect(JSON.stringify(safeText('\u0000'.repeat(3)))).not.toContain('\\u0000');
  });

  it('caps the length without splitting a surrogate pair', () => {
    expect(safeText('a'.repeat(5_000))).toHaveLength(2_000);
    expect(safeText('a'.repeat(5_000)).endsWith('…')).toBe(true);
    const cut = truncate(`${'a'.repeat(8)}😀😀`, 10);
    expect(cut).toBe(`${'a'.repeat(8)}…`);
    expect(truncate('short', 10)).toBe('short');
  });

  it('keeps null as null', () => {
    expect(safeNullableText(null)).toBeNull();
    expect(safeNullableText(undefined)).toBeNull();
    expect(safeNullableText('o\u0000')).toBe('o\uFFFD');
  });
});

describe('headers', () => {
  it('are stored one entry per value, repeats and order kept, any bytes as base64', () => {
    const stored = storedHeaders({
      trace: 'abc',
      bin: binary,
      repeated: [Buffer.from('one'), Buffer.from('two')],
      empty: null,
      absent: undefined,
    });
    expect(stored).toEqual([
      { name: 'trace', base64: Buffer.from('abc').toString('base64') },
      { name: 'bin', base64: binary.toString('base64') },
      { name: 'repeated', base64: Buffer.from('one').toString('base64') },
      { name: 'repeated', base64: Buffer.from('two').toString('base64') },
      { name: 'empty', base64: null },
    ]);
    expect(JSON.parse(JSON.stringify(stored))).toEqual(stored);
  });

  it('keep a name jsonb cannot hold as bytes, with a safe copy to read', () => {
    const [header] = storedHeaders({ 'a\u0000b': 'v' });
    expect(header).toEqual({
      name: 'a\uFFFDb',
      nameBase64: Buffer.from('a\u0000b').toString('base64'),
      base64: Buffer.from('v').toString('base64'),
    });
    expect(headerName(header as never)).toBe('a\u0000b');
  });

  it('go back to kafkajs as they came (a repeated name as an array of its values)', () => {
    const original = {
      trace: Buffer.from('abc'),
      bin: binary,
      repeated: [Buffer.from('1'), Buffer.from('2')],
    };
    expect(kafkaHeaders(storedHeaders(original))).toEqual(original);
    expect(kafkaHeaders(storedHeaders({ 'n\u0000': 'y' }))).toEqual({ 'n\u0000': Buffer.from('y') });
    const proto = kafkaHeaders([{ name: '__proto__', base64: 'eA==' }]);
    expect(Object.getOwnPropertyNames(proto)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });

  it('send a header without a value as an empty one (kafkajs cannot send none)', () => {
    expect(kafkaHeaders([{ name: 'e', base64: null }])).toEqual({ e: Buffer.alloc(0) });
  });
});

describe('views of bytes', () => {
  it('give the text only for valid UTF-8 without control characters', () => {
    expect(bytesView(Buffer.from('order-1'))).toEqual({
      base64: Buffer.from('order-1').toString('base64'),
      utf8: 'order-1',
    });
    expect(bytesView(binary)).toEqual({ base64: binary.toString('base64'), utf8: null });
    expect(bytesView(Buffer.from('a\u0000b')).utf8).toBeNull();
  });

  it('read any bytes as text without NUL, capped', () => {
    const { text, truncated } = textPreview(
      Buffer.concat([Buffer.from('{"x":'), binary, Buffer.from('}')]),
      100,
    );
    expect(text).not.toContain('\u0000');
    expect(text.startsWith('{"x":\uFFFD\uFFFD\uFFFD')).toBe(true);
    expect(truncated).toBe(false);
    expect(textPreview(Buffer.from('a'.repeat(50)), 10)).toEqual({
      text: `${'a'.repeat(9)}…`,
      truncated: true,
    });
  });
});
