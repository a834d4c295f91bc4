// The bare WebSocket baseline of `npm run bench`, run as its own process: a TLS WebSocket server on
// loopback with the collector's socket settings that answers every text frame with a small ack frame and
// does nothing else (no parse, verify or storage). The parent sends {cert, key} and gets {port}; then each
// {type:'rss'} it sends is answered with {rss, sessions}: what holding the sessions costs this process.
import { createServer } from 'node:https';
import { WebSocketServer } from 'ws';
import { MAX_FRAME_BYTES } from '../protocol/messages.js';

process.once('message', (m: { cert: string; key: string }) => {
  const server = createServer({ cert: m.cert, key: m.key });
  const wss = new WebSocketServer({ server, maxPayload: MAX_FRAME_BYTES * 4, perMessageDeflate: false });
  let n = 0;
  wss.on('connection', (ws) => {
    ws.on('message', () => {
      n++;
      ws.send(`{"v":1,"type":"ack","seq":${n},"duplicate":false}`);
    });
  });
  process.on('message', (q: { type?: string }) => {
    if (q.type === 'rss') process.send?.({ rss: process.memoryUsage.rss(), sessions: wss.clients.size });
  });
  server.listen(0, '127.0.0.1', 4096, () => {
    const addr = server.address();
    process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0 });
  });
  process.on('disconnect', () => process.exit(0));
});
