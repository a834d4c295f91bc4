// TLS session resumption for the agent's WebSocket: the session ticket the collector issued last time is
// offered on the next connection, so a reconnect (after a collector restart, or to another collector of
// the same deployment) costs the collector no certificate signature. Kept in memory only: a restarted
// agent does one full handshake. The certificate was checked against the pinned CA when the session was
// made; a collector that cannot resume simply completes a full handshake, checked again.
import { isIP } from 'node:net';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';

export interface TlsSessionCache {
  session?: Buffer;
}

/** A `createConnection` for ws that offers the cached session and keeps the newest ticket. */
export function resumingConnect(cache: TlsSessionCache): (opts: ConnectionOptions & { host?: string; path?: string }) => TLSSocket {
  return (opts) => {
    const options: ConnectionOptions = { ...opts, path: undefined, session: cache.session };
    // As ws does: SNI with the host name, none for an IP address.
    if (!options.servername && options.servername !== '') options.servername = opts.host && !isIP(opts.host) ? opts.host : '';
    const socket = connect(options);
    socket.on('session', (ticket: Buffer) => {
      cache.session = ticket;
    });
    return socket;
  };
}
