import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configDowngrades } from './downgrade.ts';
import { parseConfig } from './load.ts';

const cfg = (yaml: string) => parseConfig(`preset: balanced\n${yaml}`).config;
const keys = (before: string, after: string, ruleSeverity?: (r: string) => 'critical' | 'high' | 'medium' | 'low' | 'info' | undefined) =>
  configDowngrades(cfg(before), cfg(after), ruleSeverity ? { ruleSeverity } : {}).map((d) => `${d.key}: ${d.change}`);

describe('config downgrade comparison', () => {
  it('finds nothing between a config and itself, or when every preset is compared with itself', () => {
    assert.deepEqual(keys('', ''), []);
    for (const p of ['strict', 'audit', 'hostile-model']) {
      const c = parseConfig(`preset: ${p}\n`).config;
      assert.deepEqual(configDowngrades(c, c), [], p);
    }
  });

  it('names a scanner turned off, enforce turned to audit and fail-open turned on', () => {
    assert.deepEqual(keys('', 'scanners:\n  dlp:\n    enabled: false\n'), ['scanners.dlp.enabled: true → false']);
    assert.deepEqual(keys('', 'mode: audit\n'), ['mode: enforce → audit']);
    assert.deepEqual(keys('', 'scanners:\n  injection:\n    failOpen: true\n'), ['scanners.injection.failOpen: false → true']);
  });

  it('names a severity action lowered from block, and ignores one raised to block', () => {
    assert.deepEqual(keys('', 'severityActions:\n  high: warn\n'), ['severityActions.high: block → warn']);
    assert.deepEqual(keys('', 'severityActions:\n  medium: block\n'), []);
    assert.deepEqual(keys('severityActions:\n  medium: block\n', ''), ['severityActions.medium: block → warn']);
  });

  it('names DLP rules disabled and a raised DLP minimum severity', () => {
    assert.deepEqual(keys('', 'scanners:\n  dlp:\n    disabledRules: [dlp/jwt]\n    minSeverity: high\n'), ['scanners.dlp.disabledRules: added dlp/jwt', 'scanners.dlp.minSeverity: low → high']);
    assert.deepEqual(keys('scanners:\n  dlp:\n    disabledRules: [dlp/jwt]\n', ''), [], 're-enabling a rule is stricter');
  });

  it('compares a rule override with the action its severity gave before', () => {
    const sev = (r: string) => (r === 'dlp/jwt' ? ('high' as const) : r === 'dlp/low-thing' ? ('low' as const) : undefined);
    assert.deepEqual(keys('', 'rules:\n  dlp/jwt: warn\n', sev), ['rules.dlp/jwt: block → warn']);
    assert.deepEqual(keys('rules:\n  dlp/jwt: warn\n', '', sev), [], 'removing a lowering override is stricter');
    assert.deepEqual(keys('', 'rules:\n  dlp/low-thing: block\n', sev), [], 'an override above the default is stricter');
    // Unknown severity: a new override below block counts as weaker (conservative).
    assert.deepEqual(keys('', 'rules:\n  policy/rate-limit: warn\n'), ['rules.policy/rate-limit: default → warn']);
  });

  it("names a scanner's own action lowered", () => {
    const found = keys('', 'scanners:\n  injection:\n    severityActions:\n      medium: warn\n');
    assert.deepEqual(found, ['scanners.injection (medium findings): block → warn']);
  });

  it('names SSRF trust widened and CONNECT policy loosened', () => {
    assert.deepEqual(keys('', 'scanners:\n  ssrf:\n    allowCidrs: [10.0.0.0/8]\n    blockMetadata: false\n'), ['scanners.ssrf.allowCidrs: added 10.0.0.0/8', 'scanners.ssrf.blockMetadata: true → false']);
    assert.deepEqual(keys('', 'proxy:\n  connect:\n    allowPorts: [443, 22]\n'), ['proxy.connect.allowPorts: added 22']);
    assert.deepEqual(keys('proxy:\n  connect:\n    allowHosts: [a.example]\n', ''), ['proxy.connect.allowHosts: emptied (every host allowed)']);
  });

  it('names the egress host lists (proxy.allowHosts, proxy.denyHosts) loosened, and accepts them tightened', () => {
    assert.deepEqual(keys('proxy:\n  denyHosts: [a.example, b.example]\n', 'proxy:\n  denyHosts: [a.example]\n'), ['proxy.denyHosts: removed b.example']);
    assert.deepEqual(keys('proxy:\n  allowHosts: [a.example]\n', ''), ['proxy.allowHosts: emptied (every host allowed)']);
    assert.deepEqual(keys('proxy:\n  allowHosts: [a.example]\n', 'proxy:\n  allowHosts: [a.example, "*.b.example"]\n'), ['proxy.allowHosts: added *.b.example']);
    assert.deepEqual(keys('', 'proxy:\n  allowHosts: [a.example]\n  denyHosts: [c.example]\n'), [], 'a new allow list or deny entry is stricter');
    assert.deepEqual(keys('proxy:\n  allowHosts: [a.example, b.example]\n', 'proxy:\n  allowHosts: [a.example]\n'), []);
  });

  it('names budgets turned off or raised, and accepts budgets lowered', () => {
    assert.deepEqual(keys('', 'budgets:\n  enabled: false\n'), ['budgets.enabled: true → false']);
    assert.deepEqual(keys('', 'budgets:\n  requestsPerMinute: 6000\n'), ['budgets.requestsPerMinute: 1200 → 6000', 'budgets.session.requestsPerMinute: 1200 → 6000']);
    assert.deepEqual(keys('', 'budgets:\n  requestsPerMinute: 60\n  perDomain:\n    example.com: { egressBytesPerHour: 1000 }\n'), []);
    assert.deepEqual(keys('budgets:\n  perDomain:\n    example.com: { egressBytesPerHour: 1000 }\n', ''), ['budgets.perDomain.example.com.egressBytesPerHour: 1000 → 52428800']);
  });

  it('names oversized responses let through unscanned and a smaller event-stream window', () => {
    assert.deepEqual(keys('', 'proxy:\n  passOversizedResponses: [application/zip]\n'), ['proxy.passOversizedResponses: added application/zip']);
    assert.deepEqual(keys('', 'proxy:\n  sse:\n    windowChars: 0\n'), ['proxy.sse.windowChars: 1024 → 0']);
    assert.deepEqual(keys('proxy:\n  passOversizedResponses: [application/zip]\n', ''), []);
  });

  it('names new or changed DNS overrides and resolvers, which can send a name to a trusted address', () => {
    const base = 'dns:\n  overrides:\n    a.example.com: 127.0.0.1\n  servers: [192.0.2.53]\n';
    assert.deepEqual(keys(base, 'dns:\n  overrides:\n    a.example.com: 127.0.0.1\n    "*.example.com": 127.0.0.1\n  servers: [192.0.2.53]\n'), ['dns.overrides.*.example.com: added → 127.0.0.1']);
    assert.deepEqual(keys(base, 'dns:\n  overrides:\n    a.example.com: [127.0.0.1, 10.0.0.5]\n  servers: [192.0.2.53]\n'), ['dns.overrides.a.example.com: changed, added 10.0.0.5']);
    assert.deepEqual(keys(base, 'dns:\n  overrides:\n    a.example.com: 127.0.0.1\n  servers: [192.0.2.53, 198.51.100.53]\n'), ['dns.servers: added 198.51.100.53']);
    assert.deepEqual(keys(base, 'dns:\n  overrides:\n    a.example.com: 127.0.0.1\n'), ['dns.servers: emptied (the system resolver answers)']);
    assert.deepEqual(keys(base, 'dns:\n  servers: [192.0.2.53]\n'), [], 'removing an override is not weaker');
    assert.deepEqual(keys(base, base), []);
  });

  it('accepts a strictly stricter config without complaint', () => {
    const stricter = 'severityActions:\n  medium: block\n  low: block\nscanners:\n  entropy:\n    pathThreshold: 4\n  ssrf:\n    blockHosts: [evil.example]\n';
    assert.deepEqual(keys('', stricter), []);
  });
});
