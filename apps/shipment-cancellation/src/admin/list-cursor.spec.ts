import { decodeCursor, encodeCursor } from './list-cursor';

describe('list cursors', () => {
  const id = '0978fb05-44b2-4fa4-973f-8541ee8bc3d6';

  it('round-trip the id of the last item, opaquely', () => {
    const cursor = encodeCursor(id);
    expect(cursor).not.toContain(id);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toBe(id);
  });

  it('refuse anything this API did not hand out', () => {
    expect(decodeCursor(id)).toBeNull();
    expect(decodeCursor('zzz')).toBeNull();
    expect(decodeCursor(Buffer.from(`c1:${id}'; DROP TABLE shipment; --`).toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from(`c2:${id}`).toString('base64url'))).toBeNull();
  });
});
