// A load balancer for tests: each request goes to the next target in turn, whatever connection
// it came on (so consecutive requests of one client alternate between instances).
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobin {
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Where each request went, in order (target index). */
  log: number[];
  setTargets(ports: readonly number[]): void;
  close(): Promise<void>;
}

export async function startRoundRobin(port = 0): Promise<RoundRobin> {
  let targets: readonly number[] = [];
  let next = 0;
  const log: number[] = [];
  const server: Server = createServer((req, res) => {
    const i = next++ % targets.length;
    log.push(i);
    const up = request({ host: '127.0.0.1', port: targets[i], method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, log,
    setTargets: (ports) => { targets = ports; },
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}
