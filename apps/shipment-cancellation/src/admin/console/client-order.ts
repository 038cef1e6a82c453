// The console's browser code, part 3: one order on one page (its shipments, each cancellation request and
// cancellation with its carrier attempts, the events published and the audit trail).
export const CLIENT_ORDER = String.raw`
function shipmentRows(order) {
  return order.shipments.map(function (s) {
    var action = session.canAct() && s.status === 'active'
      ? h('button', { type: 'button', class: 'small', text: 'Cancel shipment…',
          'aria-label': 'Cancel shipment ' + s.shipmentId,
          onclick: function () { openCancel(order.orderId, s.shipmentId); } })
      : '—';
    return [s.shipmentId, s.carrier, s.carrierShipmentId, s.sellerAccount, s.marketplaceId || s.businessId,
      s.labelCost.amount + ' ' + s.labelCost.currency, when(s.purchasedAt), when(s.cancelWindowEndsAt),
      h('span', { class: 'status status-' + s.status, text: s.status }), action];
  });
}

function attemptRows(attempts) {
  return attempts.map(function (a) {
    return [String(a.attempt), a.operation, a.outcome, a.httpStatus === null ? '—' : String(a.httpStatus),
      a.carrierRequestId ? h('code', { text: a.carrierRequestId }) : '—',
      a.errorCode ? a.errorCode + (a.errorMessage ? ': ' + a.errorMessage : '') : '—',
      String(a.tries), a.elapsedMs + ' ms', when(a.finishedAt)];
  });
}

function cancellationCard(c) {
  var actions = [];
  if (session.canAct() && c.state === 'failed')
    actions.push(h('button', { type: 'button', text: 'Retry…', onclick: function () { openRetry(c.id); },
      'aria-label': 'Retry cancellation of ' + c.shipmentId }));
  if (session.canAct() && ['failed', 'unknown', 'refund_pending'].indexOf(c.state) >= 0)
    actions.push(h('button', { type: 'button', text: 'Resolve…', onclick: function () { openResolve(c.id); },
      'aria-label': 'Resolve cancellation of ' + c.shipmentId }));
  var answer = c.lastCarrierAnswer;
  return h('article', { class: 'card', 'aria-labelledby': 'c-' + c.id }, [
    h('h4', { id: 'c-' + c.id }, ['Shipment ' + c.shipmentId + ' ',
      h('span', { class: 'state state-' + c.state, text: c.state })]),
    facts([
      ['Cancellation id', h('code', { text: c.id })],
      ['Carrier', c.carrier + ' · ' + c.carrierShipmentId],
      ['State', c.state],
      ['Outcome', c.outcome],
      ['Failure reason', c.failureReason],
      ['Needs a person', yesNo(c.requiresManualAction)],
      ['Refund', c.refundStatus],
      ['Reship eligible', yesNo(c.reshipEligible)],
      ['Next attempt', c.nextAttemptAt ? when(c.nextAttemptAt) : null],
      ['Last carrier answer', answer.httpStatus === null ? null : answer.httpStatus + ' ' +
        (answer.errorCode || '') + (answer.errorMessage ? ': ' + answer.errorMessage : '')],
      ['Carrier request id', answer.carrierRequestId ? h('code', { text: answer.carrierRequestId }) : null],
      ['Changed', when(c.updatedAt)],
    ]),
    actions.length ? h('div', { class: 'actions' }, actions) : null,
    table('Carrier attempts for ' + c.shipmentId,
      ['#', 'Operation', 'Outcome', 'Carrier status', 'Carrier request id', 'Error', 'Tries', 'Elapsed', 'Finished'],
      attemptRows(c.attempts || []), 'No carrier attempt yet.'),
  ]);
}

function requestSection(r) {
  return h('section', { class: 'request', 'aria-labelledby': 'r-' + r.id }, [
    h('h3', { id: 'r-' + r.id, text: (r.scope === 'order' ? 'Order' : 'Shipment') + ' cancellation, ' +
      r.trigger + ' by ' + r.actor + ', ' + when(r.createdAt) }),
    facts([
      ['Request id', h('code', { text: r.id })],
      ['Reason', r.reason],
      ['Reship rule', r.rule + ' (' + r.shipmentCount + ' shipment' + (r.shipmentCount === 1 ? '' : 's') + ')'],
      ['ManualReshipRequired', r.manualReshipEventId ? h('code', { text: r.manualReshipEventId }) : 'not published'],
      ['Status', r.status + (r.completedAt ? ', ' + when(r.completedAt) : '')],
    ]),
  ].concat(r.cancellations.map(cancellationCard)));
}

function eventRows(events) {
  return events.map(function (e) {
    return [e.type, e.shipmentId || 'whole order', e.sequence === null ? '—' : String(e.sequence), e.outcome,
      e.final === null ? '—' : yesNo(e.final), e.supersedes ? h('code', { text: e.supersedes.slice(0, 8) }) : '—',
      h('code', { title: e.eventId, text: e.eventId.slice(0, 8) }), when(e.createdAt),
      e.publishedAt ? when(e.publishedAt) : 'not yet'];
  });
}

function auditRows(audit) {
  return audit.map(function (a) {
    return [when(a.occurredAt), a.actor + ' (' + a.role + ')', a.action, a.targetType + ' ' + a.targetId,
      a.reason, String(a.responseStatus), h('code', { class: 'request-id', text: a.requestId })];
  });
}

async function renderOrder(main, orderId) {
  var order = (await api('GET', '/admin/v1/orders/' + encodeURIComponent(orderId) + '/cancellations')).body;
  var hasActive = order.shipments.some(function (s) { return s.status === 'active'; });
  fill(main, [
    h('p', { class: 'crumbs' }, [h('a', { href: '#/queue', text: '← Queue' })]),
    h('h1', { tabindex: '-1', text: 'Order ' + order.orderId }),
    session.canAct() && hasActive ? h('div', { class: 'actions' }, [
      h('button', { type: 'button', text: 'Cancel order…', onclick: function () { openCancel(order.orderId); } }),
    ]) : null,
    h('section', { 'aria-labelledby': 'o-ship' }, [
      h('h2', { id: 'o-ship', text: 'Shipments' }),
      table('Shipments of ' + order.orderId, ['Shipment', 'Carrier', 'Carrier shipment id', 'Seller account',
        'Marketplace', 'Label cost', 'Purchased', 'Cancel window ends', 'Status', 'Actions'],
        shipmentRows(order), 'No shipment is known for this order.'),
    ]),
    h('section', { 'aria-labelledby': 'o-req' }, [
      h('h2', { id: 'o-req', text: 'Cancellations' }),
      order.requests.length ? null : h('p', { class: 'empty', text: 'Nobody has asked to cancel this order yet.' }),
    ].concat(order.requests.map(requestSection))),
    h('section', { 'aria-labelledby': 'o-events' }, [
      h('h2', { id: 'o-events', text: 'Events published' }),
      h('p', { class: 'note', text: 'Each cancellation\'s final events (the latest and those it superseded) and ' +
        'ManualReshipRequired, while the outbox keeps them.' }),
      table('Events about ' + order.orderId, ['Type', 'Shipment', 'Sequence', 'Outcome or reason', 'Final',
        'Supersedes', 'Event id', 'Written', 'Published'], eventRows(order.events), 'No event published yet.'),
    ]),
    h('section', { 'aria-labelledby': 'o-audit' }, [
      h('h2', { id: 'o-audit', text: 'Audit trail' }),
      table('Admin actions on ' + order.orderId, ['When', 'Who', 'Action', 'On', 'Reason', 'Answer', 'Request id'],
        auditRows(order.audit), 'No operator has acted on this order.'),
    ]),
  ]);
}
`;
