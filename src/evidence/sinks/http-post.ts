import http from 'node:http';
import https from 'node:https';
import { retryAfterMs } from './backoff.ts';
import type { DeliveryResult } from './queue.ts';

export interface HttpPoster {
  /** POSTs body to url; classifies the answer with `retryable`. Never throws. */
  post(url: URL, body: Buffer, headers: Readonly<Record<string, string>>): Promise<DeliveryResult>;
  close(): void;
}

export interface HttpPosterOptions {
  /** Whole-request deadline: connect, send and a complete answer. */
  readonly timeoutMs: number;
  /** Which non-2xx statuses are worth retrying (the rest are rejected for good). */
  readonly retryable: (status: number) => boolean;
}

/** Answers are read only this far (and then discarded): a receiver cannot make us buffer. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * A small HTTP client for sinks: one keep-alive agent per sink, a hard per-request deadline,
 * no redirects (a 3xx is a refusal: following it could send evidence somewhere unexpected).
 * Errors are reported as codes and statuses, never with the body.
 */
export function createHttpPoster(opts: HttpPosterOptions): HttpPoster {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 2 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 2 }),
  };
  return {
    post(url, body, headers) {
      return new Promise<DeliveryResult>((resolve) => {
        const isHttps = url.protocol === 'https:';
        const request = isHttps ? https.request : http.request;
        let settled = false;
        const finish = (result: DeliveryResult): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(result);
        };
        const req = request(url, {
          method: 'POST',
          agent: isHttps ? agents['https:'] : agents['http:'],
          headers: { ...headers, 'content-length': String(body.length) },
        });
        const timer = setTimeout(() => {
          finish({ ok: false, retry: true, error: `timeout after ${opts.timeoutMs} ms` });
          req.destroy(new Error('timeout'));
        }, opts.timeoutMs);
        timer.unref();
        req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, retry: true, error: err.code ?? err.message }));
        req.on('response', (res) => {
          let seen = 0;
          res.on('data', (chunk: Buffer) => {
            seen += chunk.length;
            if (seen > MAX_ANSWER_BYTES) res.destroy();
          });
          res.on('error', () => undefined); // the status already decided the outcome
          res.on('close', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) finish({ ok: true });
            else if (opts.retryable(status)) {
              const after = retryAfterMs(res.headers['retry-after']);
              finish({ ok: false, retry: true, error: `HTTP ${status}`, ...(after === undefined ? {} : { retryAfterMs: after }) });
            } else finish({ ok: false, retry: false, error: `HTTP ${status}` });
          });
          res.resume();
        });
        req.end(body);
      });
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
