// The service's rooms and the one direction imports may point: a file imports its own room or a room below it.
// Listed top to bottom; rooms on one line are peers and may not import each other.
const path = require('node:path');

const SERVICE_SRC = path.join('apps', 'shipment-cancellation', 'src');

/** Rank of each room (higher imports lower); the first matching prefix wins. */
const ROOMS = [
  ['pipeline/ingest', 5],
  ['pipeline/dispatch', 4],
  ['pipeline/apply', 3],
  ['pipeline/relay', 2],
  ['pipeline', 6],
  ['admin', 7],
  ['store', 1],
  ['domain', 0],
  ['platform', 0],
  ['', 8],
];

/** What the pure domain may import from outside the service: the contracts, and ids. */
const DOMAIN_PACKAGES = ['@oms/events', '@oms/carrier-cancel', 'node:crypto'];

/** The room of a file under the service's src/, or null for a file outside it. */
function roomOf(file) {
  const rel = path.relative(path.resolve(SERVICE_SRC), path.resolve(file)).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const dir = path.posix.dirname(rel);
  for (const [prefix, rank] of ROOMS) {
    if (prefix === '' || dir === prefix || dir.startsWith(`${prefix}/`))
      return { name: prefix || 'app', rank };
  }
  return null;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports in the service point down its rooms (docs/architecture.md#rooms)' },
    schema: [],
    messages: {
      upward:
        "{{from}} may not import {{to}} ('{{spec}}'): imports point down the rooms (app > admin > pipeline > ingest > dispatch > apply > relay > store > domain | platform)",
      impureDomain:
        "the domain stays pure: '{{spec}}' is not one of {{allowed}} (no framework, SQL or I/O in domain/)",
    },
  },
  create(context) {
    const filename = context.filename ?? context.getFilename();
    const from = roomOf(filename);
    if (!from) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (!spec.startsWith('.')) {
        if (from.name === 'domain' && !DOMAIN_PACKAGES.includes(spec))
          context.report({
            node,
            messageId: 'impureDomain',
            data: { spec, allowed: DOMAIN_PACKAGES.join(', ') },
          });
        return;
      }
      const to = roomOf(path.resolve(path.dirname(filename), spec));
      if (!to || to.name === from.name) return;
      if (to.rank < from.rank) return;
      context.report({ node, messageId: 'upward', data: { from: from.name, to: to.name, spec } });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

module.exports = { rules: { 'layer-order': rule }, roomOf };
