// Runs the compiled service (`nx build shipment-cancellation` writes dist/out-tsc): plain Node, no
// TypeScript compiler in the process. Maps the @oms/* import aliases onto the compiled libraries.
const Module = require('node:module');
const path = require('node:path');

const out = path.resolve(__dirname, '..', '..', 'dist', 'out-tsc');
const aliases = {
  '@oms/events': path.join(out, 'libs', 'events', 'src', 'index.js'),
  '@oms/carrier-cancel': path.join(out, 'libs', 'carrier-cancel', 'src', 'index.js'),
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveAlias(request, ...rest) {
  return resolve.call(this, aliases[request] ?? request, ...rest);
};
require(path.join(out, 'apps', 'shipment-cancellation', 'src', 'main.js'));
