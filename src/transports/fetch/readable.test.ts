import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Verdict } from '../../core/index.ts';
import { htmlTitle, readable } from './readable.ts';
import { redactPassages } from './redact.ts';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('readable page text', () => {
  it('takes the first title outside comments and scripts, decoding entities and collapsing spaces', () => {
    assert.equal(htmlTitle('<!-- <title>no</title> --><script>"<title>no</title>"</script><TITLE>  A &amp;\n B </TITLE>'), 'A & B');
    assert.equal(htmlTitle('<html><body><svg><title>icon</title></svg></body>'), '');
    assert.equal(htmlTitle('<title>unterminated'), 'unterminated');
  });

  it('reduces HTML to visible text, keeps JSON and plain text as they are, and returns nothing for binary types', () => {
    const h = readable(enc('<p>one</p><div hidden>secret note</div><p>two</p>'), 'text/html');
    assert.equal(h.kind, 'html');
    assert.equal(h.text, 'one\ntwo');
    assert.deepEqual(readable(enc('{"a":1}'), 'application/json'), { kind: 'text', title: '', text: '{"a":1}' });
    assert.equal(readable(enc('<html><body><p>sniffed</p></body></html>'), undefined).kind, 'html');
    assert.deepEqual(readable(enc('GIF89a'), 'image/gif'), { kind: 'binary', title: '', text: '' });
    assert.equal(readable(enc('x'), 'text/plain; charset=no-such-charset').kind, 'undecodable');
  });

  it('decodes the declared charset', () => {
    assert.equal(readable(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]), 'text/plain; charset=iso-8859-1').text, 'café');
  });
});

/** A stand-in engine: a piece offends when it contains the marker (which may span a line break). */
function scanner(marker: string, calls: { n: number }): (piece: string) => Verdict {
  return (piece) => {
    calls.n++;
    return piece.includes(marker)
      ? { action: 'block', reason: 'bad', findings: [{ scanner: 'injection', rule: 'injection/test-rule', severity: 'high', category: 'injection', mitre: 'T1', location: 'body', evidence: '', message: 'bad' }] }
      : { action: 'allow', reason: 'No findings.', findings: [] };
  };
}

describe('passage redaction', () => {
  it('returns clean text untouched after one scan', () => {
    const calls = { n: 0 };
    assert.deepEqual(redactPassages('a\nb', scanner('EVIL', calls)), { text: 'a\nb', removed: [], withheld: false });
    assert.equal(calls.n, 1);
  });

  it('replaces exactly the offending lines with a marker naming the rule', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    lines[7] = 'EVIL seven';
    lines[31] = 'EVIL thirty-one';
    const r = redactPassages(lines.join('\n'), scanner('EVIL', { n: 0 }));
    const out = r.text.split('\n');
    assert.equal(out.length, 40);
    assert.equal(out[7], '[removed by Tollgate: injection/test-rule]');
    assert.equal(out[31], '[removed by Tollgate: injection/test-rule]');
    assert.equal(out[8], 'line 8');
    assert.deepEqual(r.removed, ['injection/test-rule', 'injection/test-rule']);
  });

  it('removes a passage that only offends across a line break, and nothing far from it', () => {
    const lines = Array.from({ length: 16 }, (_, i) => `line ${i}`);
    lines[7] = 'half EV';
    lines[8] = 'IL half';
    const r = redactPassages(lines.join('\n'), scanner('EV\nIL', { n: 0 }));
    assert.ok(!r.text.includes('EV\nIL'));
    assert.equal(r.withheld, false);
    assert.ok(r.text.includes('line 0') && r.text.includes('line 15'));
  });

  it('withholds the whole text when the scan budget runs out', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? 'EVIL' : `ok ${i}`));
    const calls = { n: 0 };
    const r = redactPassages(lines.join('\n'), scanner('EVIL', calls));
    assert.equal(r.withheld, true);
    assert.equal(r.text, '[removed by Tollgate: injection/test-rule]');
    assert.ok(calls.n <= 260);
  });
});
