// Serves the operator console at /console: one page, one stylesheet, one script. The console holds no data
// and no key; the browser calls the admin API with the operator's key, so its guard, roles and audit apply.
import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { CONSOLE_ASSETS, CONSOLE_CSP, type ConsoleAsset } from './console-assets';

const HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  // Revalidated on every load (a 304 while unchanged), so a new release is never mixed with an old script.
  'cache-control': 'no-cache',
};

function send(res: ServerResponse, asset: ConsoleAsset, ifNoneMatch: string | undefined): void {
  for (const [name, value] of Object.entries(HEADERS)) res.setHeader(name, value);
  res.setHeader('etag', asset.etag);
  if (ifNoneMatch === asset.etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('content-type', asset.contentType);
  res.end(asset.body);
}

@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  @Get()
  page(@Headers('if-none-match') etag: string | undefined, @Res() res: ServerResponse): void {
    send(res, CONSOLE_ASSETS.page, etag);
  }

  @Get('assets/console.css')
  style(@Headers('if-none-match') etag: string | undefined, @Res() res: ServerResponse): void {
    send(res, CONSOLE_ASSETS.style, etag);
  }

  @Get('assets/favicon.svg')
  icon(@Headers('if-none-match') etag: string | undefined, @Res() res: ServerResponse): void {
    send(res, CONSOLE_ASSETS.icon, etag);
  }

  @Get('assets/console.js')
  script(@Headers('if-none-match') etag: string | undefined, @Res() res: ServerResponse): void {
    send(res, CONSOLE_ASSETS.script, etag);
  }
}
