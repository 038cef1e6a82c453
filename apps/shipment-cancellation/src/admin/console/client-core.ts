// The console's browser code, part 1: the session (the key lives in sessionStorage only), calls to the admin
// API, errors in plain words with the request id, and a small element builder. Plain ES2020 in a string: the
// build compiles TypeScript and copies no other file, so the service serves this text as it is
// (console-assets.ts joins the parts; console-assets.spec.ts parses them).
export const CLIENT_CORE = String.raw`
var KEY_ITEM = 'oms-console-key';
var ROLE_ITEM = 'oms-console-role';
var ID_ITEM = 'oms-console-key-id';

var session = {
  key: function () { return sessionStorage.getItem(KEY_ITEM); },
  role: function () { return sessionStorage.getItem(ROLE_ITEM); },
  canAct: function () { return sessionStorage.getItem(ROLE_ITEM) === 'operator'; },
  save: function (key, role) {
    sessionStorage.setItem(KEY_ITEM, key);
    sessionStorage.setItem(ROLE_ITEM, role);
  },
  clear: function () {
    sessionStorage.removeItem(KEY_ITEM);
    sessionStorage.removeItem(ROLE_ITEM);
    sessionStorage.removeItem(ID_ITEM);
  },
};

function ApiError(status, code, words, requestId, details) {
  this.status = status;
  this.code = code;
  this.words = words;
  this.requestId = requestId;
  this.details = details || [];
}

// What an operator should read for each answer the admin API can give (its codes are in openapi.json).
function plainWords(status, body, retryAfter) {
  var message = body && typeof body.message === 'string' ? body.message : '';
  switch (status) {
    case 400: return 'The service could not read the request: ' + message + '.';
    case 401: return 'This API key was not accepted. Sign in again with a valid key.';
    case 403: return 'This key may only read. Actions need an operator key.';
    case 404: return 'Not found: ' + message + '.';
    case 409: return 'Not done, because of the current state: ' + message + '.';
    case 413: return 'The request is too large. Shorten the reason.';
    case 422: return 'The request was refused: ' + message + '.';
    case 429: return 'Too many requests with this key. Wait ' + (retryAfter || 'a few') + ' seconds and try again.';
    case 503: return 'Kafka did not confirm in time, so nothing was changed. Try again.';
    default:
      if (status >= 500) return 'The service failed to do this. Quote the request id to whoever runs it.';
      return 'The service answered ' + status + ': ' + message;
  }
}

function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  var bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
}

async function api(method, path, body, idempotencyKey) {
  var headers = { authorization: 'Bearer ' + (session.key() || '') };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  var response;
  try {
    response = await fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new ApiError(0, 'network', 'The service did not answer. Check that it runs, then try again.', null);
  }
  var requestId = response.headers.get('x-request-id');
  var text = await response.text();
  var parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
  if (!response.ok) {
    var words = plainWords(response.status, parsed, response.headers.get('retry-after'));
    var error = new ApiError(response.status, parsed && parsed.error, words,
      (parsed && parsed.requestId) || requestId, parsed && parsed.details);
    if (response.status === 401 && path.indexOf('/admin/') === 0 && session.key()) {
      session.clear();
      showLogin(error);
    }
    throw error;
  }
  return { status: response.status, body: parsed, requestId: requestId,
    replayed: response.headers.get('idempotent-replayed') === 'true' };
}

function q(params) {
  var parts = [];
  Object.keys(params).forEach(function (name) {
    var value = params[name];
    if (value === undefined || value === null || value === '') return;
    parts.push(encodeURIComponent(name) + '=' + encodeURIComponent(String(value)));
  });
  return parts.length ? '?' + parts.join('&') : '';
}

// h('p', { class: 'x', onclick: fn }, ['text', node]): text is always set as text, never parsed as HTML.
function h(tag, attrs, children) {
  var el = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (name) {
    var value = attrs[name];
    if (value === undefined || value === null || value === false) return;
    if (name.indexOf('on') === 0) el.addEventListener(name.slice(2), value);
    else if (name === 'text') el.textContent = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  });
  (children || []).forEach(function (child) {
    if (child === null || child === undefined || child === false) return;
    el.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  });
  return el;
}

// replaceChildren would write a null as the text "null": leave the absent parts out.
function fill(parent, children) {
  parent.replaceChildren.apply(parent, children.filter(function (c) { return c !== null && c !== undefined && c !== false; }));
}

function errorBox(error) {
  var words = error instanceof ApiError ? error.words : 'Something went wrong in the console: ' + error;
  var details = error instanceof ApiError ? error.details : [];
  return h('div', { class: 'error', role: 'alert' }, [
    h('p', { text: words }),
    details.length ? h('ul', {}, details.map(function (d) {
      return h('li', { text: d.location + ' ' + d.path + ': ' + d.message });
    })) : null,
    error instanceof ApiError && error.requestId
      ? h('p', {}, ['Request id: ', h('code', { class: 'request-id', text: error.requestId })]) : null,
  ]);
}

function when(iso) {
  if (!iso) return '—';
  var d = new Date(iso);
  return d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

function age(iso) {
  if (!iso) return '—';
  var minutes = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 60000));
  if (minutes < 60) return minutes + ' min';
  var hours = Math.floor(minutes / 60);
  if (hours < 48) return hours + ' h ' + (minutes % 60) + ' min';
  return Math.floor(hours / 24) + ' d ' + (hours % 24) + ' h';
}

function yesNo(value) { return value ? 'yes' : 'no'; }

function orderLink(orderId) {
  return h('a', { href: '#/order/' + encodeURIComponent(orderId), text: orderId });
}

function table(caption, headings, rows, emptyText) {
  if (rows.length === 0) return h('p', { class: 'empty', text: emptyText });
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption }, [
    h('table', {}, [
      h('caption', { text: caption }),
      h('thead', {}, [h('tr', {}, headings.map(function (x) { return h('th', { scope: 'col', text: x }); }))]),
      h('tbody', {}, rows.map(function (cells) {
        return h('tr', {}, cells.map(function (c) {
          return h('td', {}, [c === null || c === undefined ? '—' : c]);
        }));
      })),
    ]),
  ]);
}

function facts(pairs) {
  var items = [];
  pairs.forEach(function (p) {
    items.push(h('dt', { text: p[0] }));
    items.push(h('dd', {}, [p[1] === null || p[1] === undefined || p[1] === '' ? '—' : p[1]]));
  });
  return h('dl', { class: 'facts' }, items);
}
`;
