// The console's stylesheet: system fonts, dark text on white (every pair at least 4.5:1), a visible focus
// ring, and tables that scroll inside their own box so a laptop screen never scrolls sideways.
export const CONSOLE_CSS = String.raw`
:root {
  --ink: #1b1f24; --muted: #4a5360; --line: #c9d0d8; --bg: #ffffff; --panel: #f4f6f8;
  --accent: #0b57a4; --accent-ink: #ffffff; --bad: #a3161b; --bad-bg: #fdecec; --warn: #7a4b00;
  --warn-bg: #fff5e0; --ok: #1e6b34; --ok-bg: #e8f5ec; --focus: #ffbf47;
}
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--ink); }
.skip { position: absolute; left: -999px; top: 0; background: var(--ink); color: #fff; padding: 8px 12px; }
.skip:focus { left: 8px; z-index: 10; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 24px; padding: 8px 24px; background: var(--ink); color: #fff; }
.top a { color: #fff; }
.brand { margin: 0; font-weight: 600; }
.session-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; flex: 1; justify-content: flex-end; }
.session-bar nav a { font-weight: 600; }
.order-search { display: flex; align-items: center; gap: 6px; }
.order-search input { width: 16em; }
.who { font-size: 14px; }
main { max-width: 1440px; margin: 0 auto; padding: 16px 24px 48px; }
main:focus { outline: none; }
h1 { font-size: 24px; margin: 8px 0 16px; }
/* Headings take focus only so that screen readers announce a new page; they are not controls. */
h1:focus, h1:focus-visible { outline: none; box-shadow: none; }
h2 { font-size: 19px; margin: 28px 0 8px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
h4 { font-size: 15px; margin: 0 0 8px; }
label { font-weight: 600; }
input, select, textarea, button { font: inherit; }
input[type=text], input[type=search], input[type=password], select, textarea {
  border: 1px solid var(--muted); border-radius: 4px; padding: 5px 8px; color: var(--ink); background: #fff;
}
textarea { width: 100%; }
button { border: 1px solid var(--accent); background: var(--accent); color: var(--accent-ink); border-radius: 4px;
  padding: 6px 14px; cursor: pointer; font-weight: 600; }
button.secondary { background: #fff; color: var(--accent); }
.top button.secondary { border-color: #fff; }
button.small { padding: 2px 8px; font-size: 14px; }
button:disabled { background: #e3e6ea; border-color: #8a939e; color: #3d4550; cursor: not-allowed; }
.login { display: grid; gap: 8px; max-width: 28em; }
.hint, .note { color: var(--muted); font-size: 14px; margin: 4px 0; }
.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 12px 16px; padding: 12px; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
.field { display: grid; gap: 4px; }
.field.check { display: flex; align-items: center; gap: 6px; padding-bottom: 6px; }
.counts { list-style: none; display: flex; flex-wrap: wrap; gap: 12px; padding: 0; margin: 16px 0; }
.count a { display: block; padding: 8px 14px; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); color: var(--ink); text-decoration: none; }
.count .n { font-size: 22px; font-weight: 700; margin-right: 4px; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; margin: 6px 0 12px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
caption { text-align: left; padding: 6px 10px; color: var(--muted); font-size: 13px; }
th, td { text-align: left; padding: 6px 10px; border-top: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); white-space: nowrap; }
td code, dd code { font-size: 13px; word-break: break-all; }
.empty { color: var(--muted); font-style: italic; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
.request { border-top: 2px solid var(--line); margin-top: 16px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 12px; margin: 12px 0; background: #fff; }
.facts { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 4px 16px; margin: 8px 0; }
.facts dt { color: var(--muted); font-weight: 600; }
.facts dd { margin: 0; }
.state, .status { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 13px; font-weight: 600; background: var(--panel); border: 1px solid var(--line); }
.state-failed, .status-cancel_failed { background: var(--bad-bg); color: var(--bad); border-color: var(--bad); }
.state-unknown, .state-refund_pending, .state-in_flight, .state-pending, .status-cancelling { background: var(--warn-bg); color: var(--warn); border-color: var(--warn); }
.state-voided, .state-already_cancelled, .status-cancelled { background: var(--ok-bg); color: var(--ok); border-color: var(--ok); }
.error { background: var(--bad-bg); color: var(--bad); border: 1px solid var(--bad); border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.error p { margin: 4px 0; }
.warn { background: var(--warn-bg); color: var(--warn); padding: 6px 10px; border-radius: 4px; }
.verdict { background: var(--panel); padding: 6px 10px; border-left: 4px solid var(--accent); }
.ok { color: var(--ok); font-weight: 600; }
.crumbs { margin: 0; }
dialog { width: min(960px, 94vw); max-height: 90vh; overflow: auto; border: 1px solid var(--muted); border-radius: 8px; padding: 16px 20px; }
dialog::backdrop { background: rgba(20, 24, 30, 0.55); }
dialog h2 { margin-top: 0; }
.action-form { display: grid; gap: 6px; margin-top: 12px; }
.action-form button[type=submit] { justify-self: start; }
fieldset { border: 1px solid var(--line); border-radius: 6px; }
legend { font-weight: 600; }
.choice { display: flex; gap: 8px; align-items: baseline; margin: 4px 0; }
.choice label { font-weight: 400; }
.dialog-foot { display: flex; gap: 8px; margin-top: 12px; }
.payload { background: var(--panel); padding: 8px; max-height: 14em; overflow: auto; white-space: pre-wrap; word-break: break-all; font-size: 13px; }
@media (max-width: 900px) { .facts { grid-template-columns: max-content 1fr; } }
`;
