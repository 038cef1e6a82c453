// The console's browser code, part 2: the queue of what needs a person (failed cancellations, unknown or
// refund-pending ones waiting longer than a threshold, dead letters), its filters and counts.
export const CLIENT_QUEUE = String.raw`
var FAILURE_REASONS = ['window_expired', 'not_cancellable', 'not_found', 'unsupported_marketplace',
  'invalid_request', 'refund_rejected', 'credentials', 'retries_exhausted'];
var AGES = [['', 'any age'], ['15', 'over 15 min'], ['60', 'over 1 hour'], ['240', 'over 4 hours'],
  ['1440', 'over 1 day'], ['4320', 'over 3 days']];
var WAITS = [['5', '5 min'], ['15', '15 min'], ['60', '1 hour'], ['240', '4 hours']];
var PAGE = 50;

function minutesAgo(minutes) {
  return minutes ? new Date(Date.now() - Number(minutes) * 60000).toISOString() : undefined;
}

function select(name, label, options, value) {
  var id = 'f-' + name;
  return h('div', { class: 'field' }, [
    h('label', { for: id, text: label }),
    h('select', { id: id, name: name }, options.map(function (o) {
      return h('option', { value: o[0], selected: o[0] === value, text: o[1] });
    })),
  ]);
}

function textField(name, label, value, hint) {
  var id = 'f-' + name;
  return h('div', { class: 'field' }, [
    h('label', { for: id, text: label }),
    h('input', { id: id, name: name, type: 'text', value: value || '', autocomplete: 'off', placeholder: hint }),
  ]);
}

function filterForm(f) {
  var form = h('form', { class: 'filters', 'aria-label': 'Filters' }, [
    textField('seller', 'Seller account', f.seller, 'e.g. seller-1'),
    textField('marketplace', 'Marketplace', f.marketplace, 'e.g. ATVPDKIKX0DER'),
    select('reason', 'Reason code', [['', 'any reason']].concat(FAILURE_REASONS.map(function (r) { return [r, r]; })), f.reason),
    select('age', 'Age', AGES, f.age),
    select('wait', 'Unknown or refund pending for over', WAITS, f.wait),
    textField('topic', 'Dead letters from topic', f.topic, 'any topic'),
    h('div', { class: 'field check' }, [
      h('input', { id: 'f-person', name: 'person', type: 'checkbox', checked: f.person === '1' }),
      h('label', { for: 'f-person', text: 'Only failures that need a person' }),
    ]),
    h('button', { type: 'submit', text: 'Apply filters' }),
  ]);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var data = new FormData(form);
    location.hash = '#/queue' + q({ seller: data.get('seller').trim(), marketplace: data.get('marketplace').trim(),
      reason: data.get('reason'), age: data.get('age'), wait: data.get('wait'), topic: data.get('topic').trim(),
      person: data.get('person') ? '1' : '' });
  });
  return form;
}

function queueFilters(params) {
  return { seller: params.get('seller') || '', marketplace: params.get('marketplace') || '',
    reason: params.get('reason') || '', age: params.get('age') || '', wait: params.get('wait') || '15',
    topic: params.get('topic') || '', person: params.get('person') || '' };
}

function count(label, page, id) {
  var n = page.totalCapped ? page.total + '+' : String(page.total);
  return h('li', { class: 'count' }, [h('a', { href: '#' + id }, [h('span', { class: 'n', text: n }), ' ' + label])]);
}

function cancellationRows(items, kind) {
  return items.map(function (c) {
    var buttons = [];
    if (session.canAct() && kind === 'failed')
      buttons.push(h('button', { type: 'button', class: 'small', onclick: function () { openRetry(c.id); },
        'aria-label': 'Retry cancellation of ' + c.shipmentId, text: 'Retry…' }));
    if (session.canAct())
      buttons.push(h('button', { type: 'button', class: 'small', onclick: function () { openResolve(c.id); },
        'aria-label': 'Resolve cancellation of ' + c.shipmentId, text: 'Resolve…' }));
    var answer = c.lastCarrierAnswer;
    return [
      orderLink(c.orderId), c.shipmentId, c.sellerAccount,
      kind === 'failed' ? c.failureReason : c.state,
      yesNo(c.requiresManualAction),
      age(c.updatedAt),
      answer.httpStatus === null ? '—' : answer.httpStatus + (answer.errorCode ? ' ' + answer.errorCode : ''),
      String(c.attemptCount),
      buttons.length ? h('div', { class: 'actions' }, buttons) : '—',
    ];
  });
}

function deadLetterRows(items) {
  return items.map(function (d) {
    return [
      when(d.deadLetteredAt), d.source.topic, d.error.kind,
      d.orderId ? d.orderId : '—', d.eventType || '—', String(d.redriveCount),
      h('button', { type: 'button', class: 'small', onclick: function () { openRedrive(d.id); },
        'aria-label': (session.canAct() ? 'View and redrive' : 'View') + ' dead letter ' + d.id,
        text: session.canAct() ? 'View / redrive…' : 'View…' }),
    ];
  });
}

function section(id, title, page, rows, headings, empty, note) {
  var total = page.totalCapped ? page.total + '+' : page.total;
  return h('section', { id: id, 'aria-labelledby': id + '-h' }, [
    h('h2', { id: id + '-h', text: title }),
    h('p', { class: 'note', text: 'Oldest first; showing ' + page.items.length + ' of ' + total + '.' + (note || '') }),
    table(title, headings, rows, empty),
  ]);
}

async function renderQueue(main, params) {
  var f = queueFilters(params);
  var common = { sellerAccount: f.seller, marketplaceId: f.marketplace, limit: PAGE };
  var olderThan = minutesAgo(f.age);
  var waitedOver = minutesAgo(Math.max(Number(f.wait), Number(f.age || 0)));
  var lists = await Promise.all([
    api('GET', '/admin/v1/cancellations' + q(Object.assign({ state: 'failed', failureReason: f.reason,
      updatedBefore: olderThan, requiresManualAction: f.person ? 'true' : undefined }, common))),
    api('GET', '/admin/v1/cancellations' + q(Object.assign({ state: 'failed', failureReason: f.reason,
      updatedBefore: olderThan, requiresManualAction: 'true' }, common, { limit: 1 }))),
    api('GET', '/admin/v1/cancellations' + q(Object.assign({ state: 'unknown', updatedBefore: waitedOver }, common))),
    api('GET', '/admin/v1/cancellations' + q(Object.assign({ state: 'refund_pending', updatedBefore: waitedOver }, common))),
    api('GET', '/admin/v1/dead-letters' + q({ redriven: 'false', topic: f.topic, until: olderThan, limit: PAGE })),
  ]);
  var failed = lists[0].body, needPerson = lists[1].body, unknown = lists[2].body;
  var refund = lists[3].body, dead = lists[4].body;
  var deadCount = { total: dead.items.length, totalCapped: dead.nextCursor !== null };
  var heads = ['Order', 'Shipment', 'Seller account', 'Reason', 'Needs a person', 'Waiting', 'Last carrier answer', 'Attempts', 'Actions'];
  fill(main, [
    h('h1', { tabindex: '-1', text: 'What needs a person' }),
    filterForm(f),
    h('ul', { class: 'counts', 'aria-label': 'Counts' }, [
      count('failed', failed, 'q-failed'),
      count('need a person', needPerson, 'q-failed'),
      count('unknown for over ' + f.wait + ' min', unknown, 'q-unknown'),
      count('refund pending for over ' + f.wait + ' min', refund, 'q-refund'),
      count('dead letters not redriven', deadCount, 'q-dead'),
    ]),
    section('q-failed', f.person ? 'Failed, needing a person' : 'Failed', failed, cancellationRows(failed.items, 'failed'), heads,
      'No failed cancellations match the filters.'),
    section('q-unknown', 'Unknown: the carrier did not say', unknown, cancellationRows(unknown.items, 'open'), heads,
      'No cancellation has been unknown that long.'),
    section('q-refund', 'Refund pending', refund, cancellationRows(refund.items, 'open'), heads,
      'No refund has been pending that long.'),
    section('q-dead', 'Dead letters: inputs that could not be processed', { items: dead.items, total: deadCount.total,
      totalCapped: deadCount.totalCapped }, deadLetterRows(dead.items),
      ['Recorded', 'Topic', 'Error', 'Order', 'Event type', 'Redriven', 'Actions'],
      'No dead letters waiting.', ' The topic and age filters apply to dead letters; the others do not.'),
  ]);
}
`;
