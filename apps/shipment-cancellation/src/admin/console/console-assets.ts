// The console's three responses: the page, its stylesheet and its script. Built once at start from the
// client parts; served with a content security policy that allows only these files and calls to this origin.
import { createHash } from 'node:crypto';
import { CLIENT_ACTIONS } from './client-actions';
import { CLIENT_CORE } from './client-core';
import { CLIENT_MAIN } from './client-main';
import { CLIENT_ORDER } from './client-order';
import { CLIENT_QUEUE } from './client-queue';
import { CONSOLE_CSS } from './console-style';

export interface ConsoleAsset {
  contentType: string;
  body: string;
  etag: string;
}

/** Nothing from elsewhere, no inline script or style, no framing, no form posts: the page talks to /admin only. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// One function scope: the parts share their names without putting any on window.
export const CONSOLE_SCRIPT = `'use strict';\n(function () {\n${[CLIENT_CORE, CLIENT_QUEUE, CLIENT_ORDER, CLIENT_ACTIONS, CLIENT_MAIN].join('\n')}\n})();\n`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Shipment cancellation console</title>
<link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="top">
<p class="brand">Shipment cancellation · operator console</p>
<div id="session-bar" class="session-bar"></div>
</header>
<main id="main" tabindex="-1"><noscript>The console needs JavaScript.</noscript></main>
<dialog id="action-dialog" aria-labelledby="action-title"></dialog>
</body>
</html>
`;

function asset(contentType: string, body: string): ConsoleAsset {
  return {
    contentType,
    body,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
}

// A page without an icon makes browsers ask for /favicon.ico, a 404 in every session's log.
const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b57a4"/>' +
  '<path d="M4 8.5l2.5 2.5L12 5.5" stroke="#fff" stroke-width="2" fill="none"/></svg>';

export const CONSOLE_ASSETS = {
  page: asset('text/html; charset=utf-8', PAGE),
  icon: asset('image/svg+xml', ICON),
  style: asset('text/css; charset=utf-8', CONSOLE_CSS),
  script: asset('text/javascript; charset=utf-8', CONSOLE_SCRIPT),
};
