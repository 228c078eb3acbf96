// What every proxy handler needs, passed in by the composition root.
import type { DecisionEvent, Finding } from '../../core/index.ts';
import type { TollgateConfig } from '../../config/schema.ts';
import type { AddressCheck, Engine, OffThreadScans } from '../../engine/index.ts';
import type { ApprovalStore } from '../../state/index.ts';
import { transportFinding } from '../decision.ts';
import type { Resolver } from './resolver.ts';
import type { UpstreamAgents } from './upstream-agents.ts';
import type { SecureContext } from 'node:tls';
import type { LeafCache } from './tls/leaf.ts';
import type { ProxyControl, Requester } from './control.ts';

/** What TLS interception needs: leaves for intercepted hosts, and the trust for upstream certificates. */
export interface ProxyTls {
  readonly leaves: LeafCache;
  /** Roots upstream certificates must chain to (Node's bundled roots + extraCaFile); absent: Node's default store. */
  readonly upstream?: SecureContext;
}

export interface ProxyContext {
  readonly engine: Engine;
  readonly config: TollgateConfig;
  readonly configHash: string;
  readonly resolver: Resolver;
  /**
   * Hands a decision event to the evidence layer. In `tollgate run` it is recorded a moment later,
   * after the answer is written (services.ts, evidence-stack.ts emitDeferred): the event must be
   * whole when emitted, and no decision may depend on it having been recorded.
   */
  readonly emit: (event: DecisionEvent) => void;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly newRequestId: () => string;
  /** One-line operational notes (not decisions), e.g. "tunnelled without interception". */
  readonly note: (message: string) => void;
  /** Present when proxy.tlsInterception is enabled (the CA was loaded by the composition root). */
  readonly tls?: ProxyTls;
  /** Keep-alive pools for upstream requests (keyed by the checked address); absent: a connection per request. */
  readonly upstreamAgents?: UpstreamAgents;
  /** Where `ask` verdicts are held for an operator; absent when nobody can approve (ask then blocks). */
  readonly approvals?: ApprovalStore;
  /** Kill switch, per-domain budgets and agent names (control.ts); absent: none of them apply. */
  readonly control?: ProxyControl;
  /**
   * The scan pool (`tollgate run`: scan-pool/ livePool): responses with at least
   * limits.workerScanBytes of text are scanned in a worker (response-scan.ts); absent: every scan inline.
   */
  readonly offThread?: OffThreadScans;
  /** Who sent the request, on the per-request context (control.ts requestScope). */
  readonly requester?: Requester;
}

/** A resolution: the address to dial (absent when the name did not resolve) and what the checks found. */
export interface Dial {
  readonly address?: string;
  readonly all: readonly string[];
  readonly findings: readonly Finding[];
}

/**
 * Resolves a host once and checks every address it resolves to: a name that answers with any
 * internal address is refused whole (a rebinding name often answers with both). The caller dials
 * `address`, the address that was checked, and never looks the name up again.
 */
export async function resolveChecked(ctx: ProxyContext, host: string, location: string): Promise<Dial> {
  let addresses: string[];
  try {
    addresses = await ctx.resolver.resolve(host);
    if (addresses.length === 0) throw new Error('no address');
  } catch (err) {
    return unresolved(err, location);
  }
  return checkedDial(ctx, host, addresses, location);
}

/**
 * resolveChecked when the resolver knows the answer without waiting (resolver.resolveNow: an IP
 * literal, an override, a fresh cached answer); undefined when it must be looked up.
 */
export function resolveCheckedNow(ctx: ProxyContext, host: string, location: string): Dial | undefined {
  let addresses: string[] | undefined;
  try {
    addresses = ctx.resolver.resolveNow?.(host);
  } catch (err) {
    return unresolved(err, location);
  }
  if (addresses === undefined || addresses.length === 0) return undefined;
  return checkedDial(ctx, host, addresses, location);
}

function unresolved(err: unknown, location: string): Dial {
  return {
    all: [],
    findings: [
      transportFinding('engine/unresolvable-host', location, `The host could not be resolved (${(err as Error).message.slice(0, 120)}); nothing was sent.`, {
        severity: 'high',
        category: 'engine',
        mitre: 'T1071',
      }),
    ],
  };
}

/**
 * Destinations already noted as reached through a trusted entry (scanners.ssrf.allowCidrs or
 * allowHosts), per engine: said once per host, address and entry, and again after a reload.
 */
const trustedNoted = new WeakMap<object, Set<string>>();
const MAX_TRUSTED_NOTED = 10_000;

/** An internal address allowed only because the user trusts it: logged once per destination. */
function noteTrusted(ctx: ProxyContext, host: string, address: string, check: AddressCheck & { trusted: string }): void {
  let seen = trustedNoted.get(ctx.engine);
  if (!seen) trustedNoted.set(ctx.engine, (seen = new Set()));
  const key = `${host} ${address} ${check.trusted}`;
  if (seen.has(key) || seen.size >= MAX_TRUSTED_NOTED) return;
  seen.add(key);
  const shown = host.length > 120 ? `${host.slice(0, 120)}…` : host;
  ctx.note(`trusted destination: ${shown}${shown === address ? '' : ` (${address})`} is internal (${check.class}) and allowed by scanners.ssrf.${check.trusted} (noted once per destination)`);
}

/** Every address checked (the first 32): one internal address refuses the whole name. */
function checkedDial(ctx: ProxyContext, host: string, addresses: string[], location: string): Dial {
  const findings = addressFindings(ctx, addresses, location, 'blocked before connecting (SSRF / DNS rebinding defence)', (address, check) => noteTrusted(ctx, host, address, check));
  return { address: addresses[0] as string, all: addresses, findings };
}

/**
 * The engine's check of each address a name resolved to (the first 32), as findings at `location`;
 * `consequence` ends each message. `trusted` hears of an internal address a trusted entry lets through.
 */
export function addressFindings(
  ctx: ProxyContext,
  addresses: readonly string[],
  location: string,
  consequence: string,
  trusted?: (address: string, check: AddressCheck & { trusted: string }) => void,
): Finding[] {
  const findings: Finding[] = [];
  for (const address of addresses.slice(0, 32)) {
    const check = ctx.engine.checkAddress(address);
    if (check.allowed && check.trusted !== undefined) trusted?.(address, check as AddressCheck & { trusted: string });
    if (!check.allowed) {
      findings.push(
        transportFinding(check.rule ?? 'ssrf/internal-address', location, `The host resolves to ${check.reason}: ${consequence}.`, {
          scanner: 'ssrf',
          severity: check.severity ?? 'high',
          category: 'ssrf',
          mitre: check.mitre ?? 'T1190',
        }),
      );
    }
  }
  return findings;
}
