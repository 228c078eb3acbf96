// The kill switch endpoints of the admin API. `GET /api/v1/killswitch` answers the state;
// `POST /api/v1/killswitch` with {"on": true|false} sets or releases its manual hold.
// With an API token configured both need it. Without one, only a loopback client is answered,
// and it may turn the switch on but not off: the agent reaches this listener too (it is its
// proxy), so an unauthenticated "off" would let it undo an operator's stop. Off then needs the
// token, SIGUSR1, or (for the file's hold) removing the sentinel file.
import { isIP } from 'node:net';
import type { Hono } from 'hono';
import type { KillSwitch } from '../../state/index.ts';
import { bearerMatches } from './bearer.ts';
import { readSmallBody } from './small-body.ts';

const MAX_BODY = 256;

export interface KillSwitchRoutes {
  readonly killSwitch: KillSwitch;
  readonly token?: string;
  readonly now: () => number;
}

/** Loopback as the socket reports it: 127.0.0.0/8, ::1, or an IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.toLowerCase().replace(/^::ffff:/, '');
  if (isIP(a) === 4) return a.startsWith('127.');
  return a === '::1' || a === '0:0:0:0:0:0:0:1';
}

export function registerKillSwitchRoutes(app: Hono<{ Bindings: { remoteAddress?: string } }>, opts: KillSwitchRoutes): void {
  const { killSwitch, token } = opts;
  type Denial = { error: string; status: 401 | 403 };
  const denied = (authorization: string | undefined, remote: string | undefined): Denial | null => {
    if (token !== undefined) return bearerMatches(authorization, token) ? null : { error: 'unauthorized: send Authorization: Bearer <token>', status: 401 };
    return isLoopback(remote) ? null : { error: 'without an API token (api.tokenEnv) the kill switch answers loopback clients only', status: 403 };
  };

  app.get('/api/v1/killswitch', (c) => {
    const d = denied(c.req.header('authorization'), c.env?.remoteAddress);
    if (d) return c.json({ error: d.error }, d.status);
    return c.json({ killSwitch: killSwitch.state() }, 200, { 'cache-control': 'no-store' });
  });

  app.post('/api/v1/killswitch', async (c) => {
    const d = denied(c.req.header('authorization'), c.env?.remoteAddress);
    if (d) return c.json({ error: d.error }, d.status);
    const text = await readSmallBody(c.req.raw, MAX_BODY);
    if (text === null) return c.json({ error: `body over ${MAX_BODY} bytes` }, 413);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return c.json({ error: 'body is not JSON: send {"on": true} or {"on": false}' }, 400);
    }
    const on = (body as { on?: unknown } | null)?.on;
    if (typeof on !== 'boolean' || Object.keys(body as object).length !== 1) return c.json({ error: 'send {"on": true} or {"on": false}' }, 400);
    if (!on && token === undefined) {
      return c.json({ error: 'turning the kill switch off needs the API token (api.tokenEnv), or SIGUSR1 to the tollgate process', killSwitch: killSwitch.state() }, 403);
    }
    const state = killSwitch.setManual(on, 'api', opts.now());
    const note = !on && state.on ? { note: 'the sentinel file still holds the kill switch on; remove the file to turn it off' } : {};
    return c.json({ killSwitch: state, ...note }, 200, { 'cache-control': 'no-store' });
  });
}
