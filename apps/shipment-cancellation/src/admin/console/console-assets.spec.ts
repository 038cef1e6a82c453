import { Script } from 'node:vm';
import { CONSOLE_ASSETS, CONSOLE_CSP, CONSOLE_SCRIPT } from './console-assets';

describe('console assets', () => {
  it('the script is valid JavaScript as a browser would parse it', () => {
    expect(() => new Script(CONSOLE_SCRIPT, { filename: 'console.js' })).not.toThrow();
  });

  it('the script defines every function the parts call across each other', () => {
    const called = [
      'api',
      'h',
      'errorBox',
      'renderQueue',
      'renderOrder',
      'openCancel',
      'openRetry',
      'openResolve',
      'openRedrive',
      'showLogin',
      'route',
      'attemptRows',
      'orderLink',
      'table',
      'facts',
    ];
    for (const name of called) expect(CONSOLE_SCRIPT).toContain(`function ${name}(`);
  });

  it('keeps the key in sessionStorage only, and sends it as a header', () => {
    expect(CONSOLE_SCRIPT).not.toMatch(/localStorage|document\.cookie/);
    expect(CONSOLE_SCRIPT).toContain("authorization: 'Bearer '");
    expect(CONSOLE_SCRIPT).not.toMatch(/console\.(log|info|debug)/);
  });

  it('the page loads no inline script or style, and the policy allows none', () => {
    const page = CONSOLE_ASSETS.page.body;
    expect(page.match(/<script[^>]*>/g)).toEqual(['<script src="/console/assets/console.js" defer>']);
    expect(page).not.toMatch(/<style|\sstyle="|\son[a-z]+="|data:/);
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe');
  });
});
