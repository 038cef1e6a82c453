// The console's browser code, part 4: every action in one dialog. It loads a preview first (what the service
// would do), asks for a reason (and what else the action needs), sends the write once with an Idempotency-Key,
// and shows the result or the error with its request id.
export const CLIENT_ACTIONS = String.raw`
var RESOLUTIONS = {
  failed: ['cancelled_elsewhere', 'not_cancellable'],
  unknown: ['cancelled_elsewhere', 'not_cancellable'],
  refund_pending: ['refund_received', 'not_cancellable'],
};
var RESOLUTION_WORDS = {
  cancelled_elsewhere: 'Voided in Seller Central: the cancellation becomes voided and ShipmentCancelled is published.',
  refund_received: 'The refund came: the cancellation becomes voided (refund applied) and ShipmentCancelled is published.',
  not_cancellable: 'The label stays: the cancellation stays failed, no one needs to act, and ShipmentCancellationFailed is published.',
};

// spec: { title, confirm, preview: async () => ({ body: Node, ready: bool, fields?: Node[] }),
//         send: async (form, idempotencyKey) => answer, result: (answer) => Node }. Viewers see the preview only.
function openAction(spec) {
  var dialog = document.getElementById('action-dialog');
  var content = h('div', { class: 'dialog-body' }, [h('p', { role: 'status', text: 'Loading the preview…' })]);
  var closeButton = h('button', { type: 'button', class: 'secondary', text: 'Close', onclick: function () { dialog.close(); } });
  dialog.replaceChildren(h('h2', { id: 'action-title', text: spec.title }), content,
    h('div', { class: 'dialog-foot' }, [closeButton]));
  dialog.dataset.changed = 'no';
  dialog.onclose = function () { if (dialog.dataset.changed === 'yes') route(); };
  dialog.showModal();
  spec.preview().then(function (preview) {
    var outcome = h('div', { id: 'action-outcome' });
    if (!session.canAct()) {
      content.replaceChildren(preview.body, h('p', { class: 'note', text: 'This key may only read; acting needs an operator key.' }));
      closeButton.focus();
      return;
    }
    var reason = h('textarea', { id: 'action-reason', name: 'reason', required: true, rows: '3', maxlength: '2000',
      'aria-describedby': 'action-reason-hint' });
    var submit = h('button', { type: 'submit', text: spec.confirm, disabled: !preview.ready });
    var form = h('form', { class: 'action-form' }, (preview.fields || []).concat([
      h('label', { for: 'action-reason', text: 'Reason (kept in the audit log)' }),
      reason,
      h('p', { id: 'action-reason-hint', class: 'hint', text: 'Say why, e.g. a ticket number or what Seller Central shows.' }),
      submit,
    ]));
    var key = null, lastBody = null;
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      if (!reason.value.trim()) {
        outcome.replaceChildren(h('p', { class: 'error', role: 'alert', text: 'Give a reason.' }));
        reason.focus();
        return;
      }
      // A repeat of the same request (a second click, an answer lost) reuses the key: the service answers
      // it once. A changed request gets a new key.
      var body = JSON.stringify(Array.from(new FormData(form).entries()));
      if (body !== lastBody) { key = newIdempotencyKey(); lastBody = body; }
      submit.disabled = true;
      outcome.replaceChildren(h('p', { role: 'status', text: 'Sending…' }));
      try {
        var answer = await spec.send(form, key);
        dialog.dataset.changed = 'yes';
        outcome.replaceChildren();
        form.replaceWith(h('div', { class: 'result', role: 'status' }, [
          spec.result(answer),
          h('p', {}, ['Request id: ', h('code', { class: 'request-id', text: answer.requestId || '—' }),
            answer.replayed ? ' (the answer to the same request sent before)' : '']),
        ]));
        closeButton.focus();
      } catch (error) {
        submit.disabled = false;
        outcome.replaceChildren(errorBox(error));
      }
    });
    content.replaceChildren(preview.body, form, outcome);
    (preview.ready ? reason : closeButton).focus();
  }, function (error) {
    content.replaceChildren(errorBox(error));
    closeButton.focus();
  });
}

function reasonOf(form) { return new FormData(form).get('reason').trim(); }

function openCancel(orderId, shipmentId) {
  var base = '/admin/v1/orders/' + encodeURIComponent(orderId) + (shipmentId ? '/shipments/' + encodeURIComponent(shipmentId) : '');
  openAction({
    title: shipmentId ? 'Cancel shipment ' + shipmentId : 'Cancel order ' + orderId,
    confirm: shipmentId ? 'Cancel this shipment' : 'Cancel the order',
    preview: async function () {
      var p = (await api('GET', base + '/cancel-preview')).body;
      var verdict = p.manualReshipRequired
        ? 'The order had ' + p.shipmentCount + ' shipments: a person must reship it (ManualReshipRequired is published).'
        : p.reshipAllowed ? 'The order had one shipment: it may be reshipped automatically once the cancel succeeds.'
        : 'Reship rule: ' + p.rule + '.';
      return { ready: p.decision === 'would_cancel', body: h('div', { class: 'preview' }, [
        h('p', { class: 'verdict', text: verdict }),
        p.decision === 'would_cancel' ? h('p', { text: 'Would send to the carrier now: ' + p.wouldCancel.join(', ') + '.' }) : null,
        p.pastWindow.length ? h('p', { class: 'warn', text: 'Past the cancel window (the carrier will probably refuse): ' + p.pastWindow.join(', ') + '.' }) : null,
        p.conflict ? h('p', { class: 'warn', text: 'Not possible: ' + p.conflict.message + '.' }) : null,
        p.decision === 'nothing_to_cancel' ? h('p', { class: 'warn', text: 'Nothing to cancel: every shipment is cancelled or being cancelled.' }) : null,
        table('Shipments and what a cancel would do', ['Shipment', 'Status', 'Verdict', 'Cancellation'],
          p.shipments.map(function (s) { return [s.shipmentId, s.status, s.verdict, s.cancellationState || '—']; }), ''),
      ]) };
    },
    send: function (form, key) { return api('POST', base + '/cancel', { reason: reasonOf(form) }, key); },
    result: function (a) {
      return h('div', {}, [
        h('p', { class: 'ok', text: 'Recorded: ' + a.body.cancellations.length + ' shipment cancellation(s) sent to the carrier worker.' }),
        h('p', { text: a.body.manualReshipRequired ? 'A person must reship this order.' : a.body.reshipAllowed ? 'The order may be reshipped once the cancel succeeds.' : '' }),
      ]);
    },
  });
}

async function cancellationPreview(id) {
  var c = (await api('GET', '/admin/v1/cancellations/' + encodeURIComponent(id))).body;
  var attempts = c.attempts || [];
  return { c: c, body: h('div', { class: 'preview' }, [
    facts([['Order', orderLink(c.orderId)], ['Shipment', c.shipmentId], ['State', c.state],
      ['Failure reason', c.failureReason], ['Needs a person', yesNo(c.requiresManualAction)],
      ['Refund', c.refundStatus], ['Attempts', String(c.attemptCount)],
      ['Last carrier answer', c.lastCarrierAnswer.httpStatus === null ? null : c.lastCarrierAnswer.httpStatus + ' ' +
        (c.lastCarrierAnswer.errorCode || '') + (c.lastCarrierAnswer.errorMessage ? ': ' + c.lastCarrierAnswer.errorMessage : '')]]),
    table('Carrier attempts', ['#', 'Operation', 'Outcome', 'Carrier status', 'Carrier request id', 'Error', 'Tries', 'Elapsed', 'Finished'],
      attemptRows(attempts), 'No carrier attempt yet.'),
  ]) };
}

function openRetry(id) {
  openAction({
    title: 'Retry a failed cancellation', confirm: 'Retry now',
    preview: async function () {
      var p = await cancellationPreview(id);
      p.body.prepend(h('p', { class: p.c.state === 'failed' ? 'verdict' : 'warn', text: p.c.state === 'failed'
        ? 'A retry sends it back to the carrier now, with a fresh retry budget. Its result supersedes the failure.'
        : 'Only a failed cancellation can be retried; this one is ' + p.c.state + '.' }));
      return { ready: p.c.state === 'failed', body: p.body };
    },
    send: function (form, key) { return api('POST', '/admin/v1/cancellations/' + encodeURIComponent(id) + '/retry', { reason: reasonOf(form) }, key); },
    result: function (a) { return h('p', { class: 'ok', text: 'Sent back to the carrier: the cancellation is ' + a.body.state + '. Open the order to follow it.' }); },
  });
}

function openResolve(id) {
  openAction({
    title: 'Resolve a cancellation', confirm: 'Resolve',
    preview: async function () {
      var p = await cancellationPreview(id);
      var allowed = RESOLUTIONS[p.c.state] || [];
      var fields = allowed.length ? [h('fieldset', {}, [h('legend', { text: 'What did you find out?' })].concat(
        allowed.map(function (o, i) {
          return h('div', { class: 'choice' }, [
            h('input', { type: 'radio', id: 'outcome-' + o, name: 'outcome', value: o, checked: i === 0 }),
            h('label', { for: 'outcome-' + o }, [h('strong', { text: o }), ': ' + RESOLUTION_WORDS[o]]),
          ]);
        })))] : [];
      p.body.prepend(h('p', { class: allowed.length ? 'verdict' : 'warn', text: allowed.length
        ? 'Close it with what you found out (Seller Central, the carrier). The carrier is not called.'
        : 'Only a failed, unknown or refund pending cancellation can be resolved; this one is ' + p.c.state + '.' }));
      return { ready: allowed.length > 0, body: p.body, fields: fields };
    },
    send: function (form, key) {
      return api('POST', '/admin/v1/cancellations/' + encodeURIComponent(id) + '/resolve',
        { outcome: new FormData(form).get('outcome'), reason: reasonOf(form) }, key);
    },
    result: function (a) { return h('p', { class: 'ok', text: 'Resolved as ' + a.body.resolution.outcome + ': the cancellation is ' + a.body.state + '; its final event is on its way.' }); },
  });
}

function openRedrive(id) {
  openAction({
    title: 'Dead letter ' + id, confirm: 'Redrive',
    preview: async function () {
      var d = (await api('GET', '/admin/v1/dead-letters/' + encodeURIComponent(id))).body;
      var fields = d.redriveCount > 0 ? [h('div', { class: 'choice' }, [
        h('input', { type: 'checkbox', id: 'redrive-force', name: 'force', value: 'yes' }),
        h('label', { for: 'redrive-force', text: 'Send it again although it was redriven ' + d.redriveCount + ' time(s)' }),
      ])] : [];
      return { ready: true, fields: fields, body: h('div', { class: 'preview' }, [
        h('p', { class: 'verdict', text: 'A redrive sends the original key, bytes and headers back to ' + d.source.topic +
          ' partition ' + d.source.partition + '. Redrive once the cause is fixed, or it will come back here.' }),
        facts([['Recorded', when(d.deadLetteredAt)], ['From', d.source.topic + ' / ' + d.source.partition + ' / ' + d.source.offset],
          ['Error', d.error.kind + ': ' + d.error.message], ['Event type', d.eventType], ['Order', d.orderId ? orderLink(d.orderId) : null],
          ['Redriven', d.redriveCount + (d.lastRedrivenBy ? ' (last by ' + d.lastRedrivenBy + ', ' + when(d.lastRedrivenAt) + ')' : '')]]),
        d.error.issues.length ? h('ul', {}, d.error.issues.map(function (i) { return h('li', { text: i.path + ': ' + i.message }); })) : null,
        h('h3', { text: 'Payload' + (d.payload.textTruncated ? ' (shortened)' : '') }),
        h('pre', { class: 'payload', tabindex: '0', text: d.payload.null ? '(no value)' : d.payload.text }),
      ]) };
    },
    send: function (form, key) {
      return api('POST', '/admin/v1/dead-letters/' + encodeURIComponent(id) + '/redrive',
        { reason: reasonOf(form), force: new FormData(form).get('force') === 'yes' }, key);
    },
    result: function (a) {
      return h('p', { class: 'ok', text: a.body.alreadyRedriven
        ? 'Not sent: it was redriven before. Tick "send it again" to force it.'
        : 'Sent to ' + a.body.published.topic + ' partition ' + a.body.published.partition + ' at offset ' + a.body.published.offset + '.' });
    },
  });
}
`;
