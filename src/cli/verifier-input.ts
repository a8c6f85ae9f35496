// How the OAuth verifier comes back after the person approves on OSCAR's consent page: a
// one-shot HTTP listener on this computer that OSCAR's 303 redirect lands on, or, with `oob`,
// pasted by the person (OSCAR shows `oauth_verifier=<v>` as plain text, contract 2.3 step 2).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface CallbackListener {
  /** The oauth_callback to register: http://127.0.0.1:<port>/callback (no '%' or '+', contract 2.4). */
  url: string;
  /** Resolves with the verifier of `requestToken` once the browser arrives. */
  verifier(requestToken: string, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

const PAGE = (title: string, text: string): string =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;max-width:32em;margin:3em auto"><h2 id="result">${title}</h2><p>${text}</p></body></html>`;

export async function startCallbackListener(port = 0, host = '127.0.0.1'): Promise<CallbackListener> {
  let deliver: ((v: string) => void) | undefined;
  let expected: string | undefined;
  const early: { token: string; verifier: string }[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/callback') { res.writeHead(404).end(); return; }
    const token = url.searchParams.get('oauth_token') ?? '';
    const verifier = url.searchParams.get('oauth_verifier') ?? '';
    const page = (status: number, title: string, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE(title, text));
    };
    if (!verifier || (expected !== undefined && token !== expected)) {
      page(400, 'Not the expected answer', 'This page is waiting for OSCAR\'s answer to the request started by oscar-fhir connect.');
      return;
    }
    page(200, 'OSCAR access granted', 'oscar-fhir received OSCAR\'s answer. You can close this window and go back to the terminal.');
    if (deliver) deliver(verifier); else early.push({ token, verifier });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, host, () => resolve()); });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${bound}/callback`,
    verifier(requestToken, timeoutMs) {
      expected = requestToken;
      const ready = early.find((e) => e.token === requestToken);
      if (ready) return Promise.resolve(ready.verifier);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer from OSCAR within ${Math.round(timeoutMs / 1000)} s (was the request approved in the browser?)`)), timeoutMs);
        deliver = (v) => { clearTimeout(timer); resolve(v); };
      });
    },
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

/** The verifier as pasted: either the bare value or OSCAR's whole `oauth_verifier=<v>` line. */
export function parsePastedVerifier(line: string): string | undefined {
  const t = line.trim();
  const v = t.startsWith('oauth_verifier=') ? new URLSearchParams(t).get('oauth_verifier') ?? '' : t;
  return /^[A-Za-z0-9._~-]{4,128}$/.test(v) ? v : undefined;
}

/** Reads lines from `input` until one holds a verifier. */
export async function promptVerifier(input: Readable, output: Writable, timeoutMs: number): Promise<string> {
  const rl = createInterface({ input, terminal: false });
  output.write('Paste the verifier OSCAR shows after you click Authorize (oauth_verifier=…), then press Enter:\n');
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no verifier within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      rl.on('line', (line) => {
        const v = parsePastedVerifier(line);
        if (v) { clearTimeout(timer); resolve(v); } else output.write('That does not look like a verifier; paste the text after "oauth_verifier=":\n');
      });
      rl.on('close', () => { clearTimeout(timer); reject(new Error('the input ended before a verifier was pasted')); });
    });
  } finally {
    rl.close();
  }
}
