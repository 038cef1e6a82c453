// The console's browser code, part 5: signing in, the header, and the routes (#/queue, #/order/<id>).
export const CLIENT_MAIN = String.raw`
var main = document.getElementById('main');
var bar = document.getElementById('session-bar');

// The API tells roles apart only by refusing: an operator-only write sent without its reason is refused
// with 422 (the body) for an operator and 403 (the role) for a viewer, before anything is done or audited.
// dryRun keeps it harmless even if the reason ever became optional.
async function probeRole() {
  try {
    await api('POST', '/admin/v1/cancellations/retry', { dryRun: true, limit: 1 });
    return 'operator';
  } catch (error) {
    if (error.status === 422) return 'operator';
    if (error.status === 403) return 'viewer';
    throw error;
  }
}

function showLogin(error) {
  bar.replaceChildren();
  var input = h('input', { id: 'login-key', name: 'key', type: 'password', autocomplete: 'off', required: true,
    spellcheck: 'false', 'aria-describedby': 'login-hint' });
  var status = h('div', {});
  var form = h('form', { class: 'login', method: 'post' }, [
    h('label', { for: 'login-key', text: 'Admin API key' }),
    input,
    h('p', { id: 'login-hint', class: 'hint', text: 'Kept in this browser tab only and sent to the admin API; ' +
      'closing the tab or signing out forgets it. Viewer keys read; operator keys also act.' }),
    h('button', { type: 'submit', text: 'Sign in' }),
    status,
  ]);
  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    var key = input.value.trim();
    if (!key) return;
    session.save(key, 'viewer');
    status.replaceChildren(h('p', { role: 'status', text: 'Checking the key…' }));
    try {
      await api('GET', '/admin/v1/cancellations?state=failed&limit=1');
      session.save(key, await probeRole());
      input.value = '';
      if (!location.hash || location.hash === '#/login') location.hash = '#/queue';
      else route();
    } catch (e) {
      session.clear();
      status.replaceChildren(errorBox(e));
      input.focus();
    }
  });
  fill(main, [h('h1', { tabindex: '-1', text: 'Sign in to the operator console' }), error ? errorBox(error) : null, form]);
  input.focus();
}

function renderBar() {
  var search = h('input', { id: 'order-search', name: 'order', type: 'search', autocomplete: 'off', placeholder: 'order id' });
  var form = h('form', { class: 'order-search', role: 'search' }, [
    h('label', { for: 'order-search', text: 'Open order' }), search, h('button', { type: 'submit', text: 'Open' }),
  ]);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (search.value.trim()) location.hash = '#/order/' + encodeURIComponent(search.value.trim());
  });
  bar.replaceChildren(
    h('nav', { 'aria-label': 'Console' }, [h('a', { href: '#/queue', text: 'Queue' })]),
    form,
    h('span', { class: 'who', text: session.canAct() ? 'Operator key' : 'Viewer key (read only)' }),
    h('button', { type: 'button', class: 'secondary', text: 'Sign out', onclick: function () {
      session.clear();
      location.hash = '#/login';
      showLogin();
    } }),
  );
}

async function route() {
  if (!session.key()) { showLogin(); return; }
  renderBar();
  var hash = location.hash.slice(1) || '/queue';
  var queryAt = hash.indexOf('?');
  var path = queryAt < 0 ? hash : hash.slice(0, queryAt);
  var params = new URLSearchParams(queryAt < 0 ? '' : hash.slice(queryAt + 1));
  main.setAttribute('aria-busy', 'true');
  main.replaceChildren(h('p', { role: 'status', text: 'Loading…' }));
  try {
    if (path.indexOf('/order/') === 0) await renderOrder(main, decodeURIComponent(path.slice(7)));
    else await renderQueue(main, params);
  } catch (error) {
    if (!session.key()) return;
    main.replaceChildren(h('h1', { tabindex: '-1', text: 'This page could not be loaded' }), errorBox(error),
      h('p', {}, [h('a', { href: '#/queue', text: 'Back to the queue' })]));
  } finally {
    main.removeAttribute('aria-busy');
  }
  var title = main.querySelector('h1');
  if (title) {
    document.title = title.textContent + ' · Shipment cancellation console';
    title.focus();
  }
}

window.addEventListener('hashchange', route);
route();
`;
