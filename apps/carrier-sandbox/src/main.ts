import { createServer } from 'node:http';

const port = Number(process.env['SANDBOX_PORT'] ?? 4010);
const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
    return;
  }
  res.writeHead(404).end();
});
server.listen(port, '127.0.0.1', () => console.log(`carrier-sandbox listening on ${port}`));
