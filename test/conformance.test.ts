import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseConfig } from '../src/config/index.ts';
import type { ScanInput } from '../src/core/index.ts';
import { SEVERITIES } from '../src/core/index.ts';
import { createEngine, engineLimits } from '../src/engine/index.ts';
import { extract } from '../src/extract/index.ts';
import { normalizeText, prepare } from '../src/normalize/index.ts';
import { crcToken } from '../src/scanners/dlp/dlp.fixtures.ts';

/**
 * The conformance suite every registered scanner runs (and any scanner added later runs
 * automatically): total over arbitrary input, deterministic, never mutating its input,
 * findings well-formed. Plus the engine-wide properties from the issue.
 */
const config = parseConfig('preset: hostile-model\n').config; // every scanner on, strictest
const engine = createEngine(config);
const limits = engineLimits(config);

const arbInput: fc.Arbitrary<ScanInput> = fc.oneof(
  fc.string().map((url) => ({ kind: 'url' as const, url })),
  fc.webUrl().map((url) => ({ kind: 'url' as const, url })),
  fc.tuple(fc.webUrl(), fc.dictionary(fc.string({ maxLength: 20 }), fc.string()), fc.oneof(fc.string(), fc.json())).map(([url, headers, body]) => ({ kind: 'request' as const, method: 'POST', url, headers, body })),
  fc.uint8Array({ maxLength: 2000 }).map((b) => ({ kind: 'response' as const, body: b, contentType: 'text/html' })),
  fc.string({ unit: 'binary', maxLength: 2000 }).map((text) => ({ kind: 'text' as const, text })),
  fc.jsonValue().map((v) => ({ kind: 'tool-call' as const, name: 'tool', arguments: v })),
  fc.tuple(fc.constantFrom('bash', 'read_file'), fc.string({ unit: 'binary', maxLength: 400 })).map(([name, command]) => ({ kind: 'tool-call' as const, name, arguments: { command, path: command } })),
  fc.jsonValue().map((v) => ({ kind: 'tool-result' as const, content: v })),
  fc.array(fc.record({ name: fc.string(), description: fc.string(), inputSchema: fc.jsonValue() }), { maxLength: 4 }).map((tools) => ({ kind: 'tools' as const, tools })),
  fc.tuple(fc.boolean(), fc.oneof(fc.string(), fc.uint8Array({ maxLength: 500 }))).map(([out, data]) => ({ kind: 'websocket' as const, direction: out ? ('outbound' as const) : ('inbound' as const), data })),
);

describe('scanner conformance (every registered scanner)', () => {
  for (const scanner of engine.scanners) {
    it(`${scanner.id}: total, deterministic, non-mutating, well-formed findings over arbitrary inputs`, () => {
      fc.assert(
        fc.property(arbInput, (input) => {
          const before = JSON.stringify(input, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v));
          const view = extract(input, limits.extract, limits.normalize).view;
          const view2 = extract(input, limits.extract, limits.normalize).view;
          const ctx = { now: 0 };
          const a = scanner.id === 'split-secrets' ? [] : scanner.scan(view, ctx);
          const b = scanner.id === 'split-secrets' ? [] : scanner.scan(view2, ctx);
          assert.deepEqual(a, b);
          assert.equal(JSON.stringify(input, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v)), before);
          for (const f of a) {
            assert.equal(f.scanner, scanner.id);
            assert.ok(f.rule.startsWith(`${scanner.id}/`), f.rule);
            assert.ok(SEVERITIES.includes(f.severity));
            assert.match(f.mitre, /^T\d{4}(\.\d{3})?$/);
            assert.ok(f.location.length > 0 && f.message.length > 0);
          }
        }),
        { numRuns: 150, seed: 42 },
      );
    });
  }

  it('the whole engine never throws and always returns a known action', () => {
    fc.assert(
      fc.property(arbInput, fc.string({ maxLength: 8 }), (input, session) => {
        const v = engine.scan(input, { now: 0, session });
        assert.ok(['allow', 'warn', 'redact', 'ask', 'block'].includes(v.action));
        assert.ok(v.reason.length > 0);
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('properties', () => {
  it('normalizeText is idempotent over arbitrary Unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const once = normalizeText(s);
        assert.equal(normalizeText(once), once);
      }),
      { numRuns: 2000, seed: 3 },
    );
  });

  it('prepare is deterministic and bounded for arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), (s) => {
        const a = prepare(s);
        const b = prepare(s);
        assert.deepEqual(a.layers.map((l) => [l.chain, l.text]), b.layers.map((l) => [l.chain, l.text]));
        assert.ok(a.layers.length <= 64);
      }),
      { numRuns: 500, seed: 5 },
    );
  });

  it('a secret detected raw is also detected base64-, hex- and URL-encoded', () => {
    const balanced = createEngine(parseConfig('preset: balanced\n').config);
    const found = (text: string, rule: string) => balanced.scan({ kind: 'text', text, flow: 'egress' }, { now: 0 }).findings.some((f) => f.rule === rule);
    const secrets = fc.oneof(
      fc.constant(0).map(() => ({ value: crcToken('ghp_'), rule: 'dlp/github-pat' })),
      fc.stringMatching(/^[A-Z2-7]{16}$/).map((s) => ({ value: `AKIA${s}`, rule: 'dlp/aws-access-key-id' })),
      fc.stringMatching(/^[A-Za-z0-9]{30,40}$/).map((s) => ({ value: `xoxb-1234567890123-1234567890123-${s.slice(0, 24)}`, rule: 'dlp/slack-bot-token' })),
    );
    fc.assert(
      fc.property(secrets, fc.constantFrom('', 'note: ', 'x=', 'see '), ({ value, rule }, prefix) => {
        fc.pre(found(`${prefix}${value}`, rule));
        const forms = {
          base64: Buffer.from(value).toString('base64'),
          base64url: Buffer.from(value).toString('base64url'),
          hex: Buffer.from(value).toString('hex'),
          hexColons: (Buffer.from(value).toString('hex').match(/../g) ?? []).join(':'),
          url: [...value].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
        };
        for (const [name, form] of Object.entries(forms)) assert.ok(found(`${prefix}${form}`, rule), `${name}: ${value}`);
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});

describe('hostile inputs are bounded (each must simply finish; the runner times out a hang)', () => {
  const big = 1 << 20;
  const cases: Record<string, string> = {
    'one long base64-alphabet run': 'A'.repeat(big),
    'one long hex run': 'ab'.repeat(big / 2),
    'nested URL escapes': '%25'.repeat(big / 3),
    'entity soup': '&#x41;&amp;'.repeat(big / 11),
    'alternating near-misses for the injection windows': 'ignore the the the the the '.repeat(big / 27),
    'invisible characters everywhere': 'a\u200b'.repeat(big / 2),
    'combining-mark pile-up': `a${'\u0301'.repeat(big - 1)}`,
    'unicode tags': String.fromCodePoint(0xe0041).repeat(big / 2),
    'many tiny base64 spans': 'QUJD '.repeat(big / 5),
  };
  const e = createEngine(parseConfig('preset: balanced\n').config);
  for (const [name, text] of Object.entries(cases)) {
    it(`scans ${name} (1 MiB) to a verdict`, () => {
      const v = e.scan({ kind: 'response', url: 'https://x.example/', contentType: 'text/plain', body: text }, { now: 0 });
      assert.ok(['allow', 'warn', 'block'].includes(v.action));
    });
  }
  it('blocks invalid UTF-8 bodies only for what they say, never crashing', () => {
    const bytes = new Uint8Array(4096).map((_, i) => (i * 37) % 256);
    const v = e.scan({ kind: 'request', method: 'POST', url: 'https://x.example/', contentType: 'text/plain', body: bytes }, { now: 0 });
    assert.ok(['allow', 'warn', 'block'].includes(v.action));
  });
});
