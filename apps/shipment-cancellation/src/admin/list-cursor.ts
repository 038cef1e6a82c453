// The cursor of a paged admin list. Opaque to clients; inside, the id of the last item of the page.
const CURSOR_PREFIX = 'c1:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string | null {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.slice(CURSOR_PREFIX.length);
  return decoded.startsWith(CURSOR_PREFIX) && UUID.test(id) ? id : null;
}
