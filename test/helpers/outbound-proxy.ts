// A tiny outbound HTTP proxy on node:net, as a hospital network puts between the facade and a
// hosted OSCAR: CONNECT tunnels (https origins) and absolute-form requests (http origins), an
// optional Basic user:password, and a record of everything it was sent. Host names are resolved by
// `resolve` (default: every name is this machine), so an origin only the proxy can reach shows
// that the request really went through it. With `tls` it is an https:// proxy (TLS to the proxy
// itself, the same protocol inside).
import net from 'node:net';
import tls from 'node:tls';

export interface ProxySeen {
  /** 'CONNECT' or the request's method. */
  method: string;
  /** The request target as sent: host:port for CONNECT, the absolute URL otherwise. */
  target: string;
  /** The Proxy-Authorization header, when one was sent. */
  proxyAuthorization: string | undefined;
  /** The whole request head as received (request line and header lines). */
  head: string;
}

export interface OutboundProxy {
  /** http://127.0.0.1:PORT, https:// with `tls` (no credentials). */
  url: string;
  port: number;
  seen: ProxySeen[];
  /** Connections the proxy accepted. */
  connections: number;
  close(): Promise<void>;
}

export interface OutboundProxyOptions {
  /** 'user:password' the proxy requires (407 without it or with other ones). */
  credentials?: string;
  /** Answer CONNECT with this status instead of tunnelling (e.g. 403, 502). */
  refuseConnect?: number;
  /** Never answer a CONNECT (a proxy that hangs). */
  hangOnConnect?: boolean;
  /** The address a host name stands for (default 127.0.0.1 for every name). */
  resolve?: (host: string) => string;
  /** An https:// proxy: clients speak TLS to it with this key and certificate. */
  tls?: { key: Buffer; cert: Buffer };
}

const HEAD_END = '\r\n\r\n';

export async function startOutboundProxy(o: OutboundProxyOptions = {}): Promise<OutboundProxy> {
  const sockets = new Set<net.Socket>();
  const resolve = o.resolve ?? (() => '127.0.0.1');
  const expected = o.credentials === undefined ? undefined : `Basic ${Buffer.from(o.credentials).toString('base64')}`;
  const p: OutboundProxy = { url: '', port: 0, seen: [], connections: 0, close: async () => {} };

  const track = (s: net.Socket): void => { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => s.destroy()); };
  const refuse = (client: net.Socket, status: number, reason: string): void => {
    const body = `proxy says ${status}`;
    client.end(`HTTP/1.1 ${status} ${reason}\r\n${status === 407 ? 'Proxy-Authenticate: Basic realm="test"\r\n' : ''}Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
  };

  const onClient = (client: net.Socket): void => {
    p.connections++;
    track(client);
    let buf = Buffer.alloc(0);
    let upstream: net.Socket | undefined;
    let upstreamKey = '';
    let tunnelled = false;
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf(HEAD_END);
        if (end < 0) return;
        const head = buf.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        const body = buf.subarray(end + 4, end + 4 + length);
        buf = buf.subarray(end + 4 + length);
        const [method = '', target = ''] = head.split('\r\n', 1)[0]!.split(' ');
        const proxyAuthorization = /\r\nproxy-authorization: *([^\r]*)/i.exec(head)?.[1];
        p.seen.push({ method, target, proxyAuthorization, head });
        if (expected !== undefined && proxyAuthorization !== expected) { refuse(client, 407, 'Proxy Authentication Required'); return; }
        if (method === 'CONNECT') {
          if (o.hangOnConnect) return;
          if (o.refuseConnect) { refuse(client, o.refuseConnect, 'Refused'); return; }
          const i = target.lastIndexOf(':');
          const host = target.slice(0, i).replace(/^\[|\]$/g, '');
          const port = Number(target.slice(i + 1));
          const up = net.connect({ host: resolve(host), port });
          track(up);
          client.removeListener('data', onData);
          tunnelled = true;
          up.on('connect', () => {
            client.write('HTTP/1.1 200 Connection established\r\n\r\n');
            if (buf.length) up.write(buf);
            client.pipe(up);
            up.pipe(client);
          });
          up.on('close', () => client.destroy());
          client.on('close', () => up.destroy());
          return;
        }
        // Absolute form: forwarded in origin form, without what only the proxy reads.
        const url = new URL(target);
        const key = url.host;
        if (!upstream || upstream.destroyed || key !== upstreamKey) {
          upstream?.destroy();
          upstream = net.connect({ host: resolve(url.hostname.replace(/^\[|\]$/g, '')), port: Number(url.port) || 80 });
          upstreamKey = key;
          track(upstream);
          upstream.on('data', (x) => client.write(x));
          upstream.on('close', () => client.destroy());
        }
        const forwarded = head.replace(/^(\S+) \S+/, `$1 ${url.pathname}${url.search}`).replace(/\r\nproxy-authorization:[^\r]*/i, '');
        upstream.write(Buffer.concat([Buffer.from(`${forwarded}${HEAD_END}`, 'latin1'), body]));
      }
    };
    client.on('data', onData);
    client.on('close', () => { if (!tunnelled) upstream?.destroy(); });
  };
  const server = o.tls ? tls.createServer({ key: o.tls.key, cert: o.tls.cert }, onClient) : net.createServer(onClient);
  // A client that refuses the certificate drops the connection: not the proxy's failure.
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  p.port = (server.address() as net.AddressInfo).port;
  p.url = `${o.tls ? 'https' : 'http'}://127.0.0.1:${p.port}`;
  p.close = () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); });
  return p;
}
