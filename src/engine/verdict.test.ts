import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../core/index.ts';
import { composeVerdict, type ActionPolicy } from './verdict.ts';

const policy: ActionPolicy = {
  mode: 'enforce',
  severityActions: { critical: 'block', high: 'block', medium: 'warn', low: 'warn', info: 'allow' },
  scannerActions: {},
  ruleActions: {},
};

function finding(rule: string, severity: Finding['severity'], location = 'url'): Finding {
  return { scanner: rule.split('/')[0] as Finding['scanner'], rule, severity, category: 'secret', mitre: 'T1552', location, evidence: '', message: `Message for ${rule}.` };
}

describe('verdicts', () => {
  it('allows with the reason "No findings." when nothing was found', () => {
    assert.deepEqual(composeVerdict([], policy), { action: 'allow', findings: [], reason: 'No findings.' });
  });

  it('blocks on the most severe finding and names it, its location and the rest', () => {
    const v = composeVerdict([finding('dlp/jwt', 'medium', 'header.x'), finding('dlp/github-token', 'critical', 'body.$.t')], policy);
    assert.equal(v.action, 'block');
    assert.equal(v.reason, 'Blocked: dlp/github-token at body.$.t: Message for dlp/github-token (and 1 more finding).');
  });

  it('warns on medium findings under the balanced mapping', () => {
    const v = composeVerdict([finding('dlp/jwt', 'medium')], policy);
    assert.equal(v.action, 'warn');
    assert.equal(v.reason, 'Allowed with a warning: dlp/jwt at url: Message for dlp/jwt.');
  });

  it('applies rule overrides over scanner overrides over the severity mapping', () => {
    const p = { ...policy, scannerActions: { dlp: 'redact' as const }, ruleActions: { 'dlp/jwt': 'allow' as const } };
    assert.equal(composeVerdict([finding('dlp/jwt', 'critical')], p).action, 'allow');
    assert.equal(composeVerdict([finding('dlp/aws-access-key', 'critical')], p).action, 'redact');
  });

  it('never lets an override lower a fail-closed engine finding', () => {
    const p = { ...policy, ruleActions: { 'engine/input-too-large': 'allow' as const } };
    assert.equal(composeVerdict([finding('engine/input-too-large', 'high')], p).action, 'block');
  });

  it('in audit mode lets the input through with a warning and records what enforce would have done', () => {
    const v = composeVerdict([finding('ssrf/cloud-metadata', 'critical')], { ...policy, mode: 'audit' });
    assert.equal(v.action, 'warn');
    assert.equal(v.wouldHave, 'block');
    assert.equal(v.reason, 'Audit mode, allowed; enforce mode would have blocked: ssrf/cloud-metadata at url: Message for ssrf/cloud-metadata.');
  });
});

describe('per-scanner severity mappings', () => {
  it('use the scanner mapping for the severities it names and the global one otherwise', () => {
    const p = { ...policy, scannerSeverityActions: { injection: { medium: 'block' as const } } };
    const f = (sev: Finding['severity']): Finding => ({ ...finding('injection/instruction-override', sev), scanner: 'injection' });
    assert.equal(composeVerdict([f('medium')], p).action, 'block');
    assert.equal(composeVerdict([f('low')], p).action, 'warn');
    assert.equal(composeVerdict([finding('dlp/jwt', 'medium')], p).action, 'warn');
  });
});
