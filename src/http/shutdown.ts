// Graceful shutdown (SIGTERM): stop accepting connections, let requests in flight finish, and
// cut off whatever is still running when the grace period ends. While draining, every answer
// carries `Connection: close` (so keep-alive clients move to another instance) and /readyz says
// 503 (so the load balancer stops sending).
import type { Server } from 'node:http';

export class DrainState {
  private draining_ = false;
  get draining(): boolean { return this.draining_; }
  start(): void { this.draining_ = true; }
}

/**
 * Closes `server` gracefully. Resolves true when every connection ended within `graceMs`, false
 * when some had to be cut (their requests see the abort signal and their sockets are destroyed).
 */
export function closeGracefully(server: Server, drain: DrainState, graceMs: number): Promise<boolean> {
  drain.start();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (clean: boolean): void => {
      if (settled) return;
      settled = true;
      clearInterval(reaper);
      clearTimeout(deadline);
      resolve(clean);
    };
    // Keep-alive sockets that finish their request after this point go idle instead of closing
    // when their answer was written before draining began: reap idle ones until none are left.
    const reaper = setInterval(() => server.closeIdleConnections(), 50);
    reaper.unref();
    const deadline = setTimeout(() => {
      server.closeAllConnections();
      finish(false);
    }, graceMs);
    deadline.unref();
    if (!server.listening) { server.closeAllConnections(); finish(true); return; }
    server.close(() => finish(true));
    server.closeIdleConnections();
  });
}
