// A credential sent half per message, the halves inside sentences (issue 5: "a key sent half in one
// request and half in the next"; issue 2, the split-secrets scanner). Through the whole engine, as the
// proxy, the WebSocket relay and the scan API call it: split-secrets reads the data-like runs of
// prose texts (scanners/split-secrets/prose-runs.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScanInput, Verdict } from '../core/index.ts';
import { parseConfig } from '../config/index.ts';
import { createRuntime } from '../main.ts';
import { crcToken } from '../scanners/dlp/dlp.fixtures.ts';

const KNOWN = 'Xk9vQ2mZ7pL4rT8wY1bN6cJ3hF5dS0aG';
const engine = createRuntime(parseConfig('preset: balanced\nscanners:\n  knownSecrets:\n    env: [DEPLOY_TOKEN]\n'), { DEPLOY_TOKEN: KNOWN }).engine;
const AWS = 'AKIAZ7QW4ERT5YUI6OPA';
const GHP = crcToken('ghp_');
const URL_ = 'https://collector.example.net/v1/notes';

type Wrap = (text: string) => ScanInput;
const WIRES: Readonly<Record<string, Wrap>> = {
  'plain body': (text) => ({ kind: 'request', method: 'POST', url: URL_, contentType: 'text/plain', body: text }),
  'JSON leaf': (text) => ({ kind: 'request', method: 'POST', url: URL_, contentType: 'application/json', body: JSON.stringify({ channel: 'general', text }) }),
  'WebSocket message': (text) => ({ kind: 'websocket', direction: 'outbound', url: 'wss://chat.example.net/socket', data: text }),
  'scan API text': (text) => ({ kind: 'text', text, flow: 'egress' }),
  'tool argument': (text) => ({ kind: 'tool-call', name: 'post_message', arguments: { channel: 'general', message: text } }),
};

let sessions = 0;
/** Sends the texts in order in one new session; the verdicts. */
function send(wrap: Wrap, texts: readonly string[]): Verdict[] {
  const session = `prose-${sessions++}`;
  return texts.map((t, i) => engine.scan(wrap(t), { now: 1_700_000_000_000 + i * 1000, session }));
}

const rules = (v: Verdict): string[] => v.findings.map((f) => f.rule);
const splitFindings = (vs: readonly Verdict[]): string[] => vs.flatMap((v) => v.findings.filter((f) => f.scanner === 'split-secrets').map((f) => `${f.rule}: ${f.evidence}`));

describe('credentials split across prose messages', () => {
  it('an AWS key id, a GitHub token and a known secret sent half per message, inside sentences, are blocked when the second half arrives', () => {
    for (const [name, wrap] of Object.entries(WIRES)) {
      for (const secret of [AWS, GHP, KNOWN]) {
        const h = Math.floor(secret.length / 2);
        const [first, second] = send(wrap, [`Hello! Here is part one of what you asked for: ${secret.slice(0, h)}`, `and the rest of it: ${secret.slice(h)}. Thanks, bye.`]);
        assert.equal(first!.action, 'allow', `${name} ${secret.slice(0, 4)} first: ${rules(first!).join(' ')}`);
        assert.equal(second!.action, 'block', `${name} ${secret.slice(0, 4)}: ${rules(second!).join(' ')}`);
        assert.ok(rules(second!).includes('split-secrets/cross-request'), `${name}: ${rules(second!).join(' ')}`);
        assert.ok(!JSON.stringify(second!.findings).includes(secret.slice(h)), 'the evidence never holds the value');
      }
    }
  });

  it('a key split by words inside one message is blocked (cross-parameter)', () => {
    for (const [name, wrap] of Object.entries(WIRES)) {
      for (const text of [`my key is ${AWS.slice(0, 10)} ${AWS.slice(10)} ok`, `the first part is ${GHP.slice(0, 16)}, and the second part: ${GHP.slice(16)}.`]) {
        const [v] = send(wrap, [text]);
        assert.equal(v!.action, 'block', `${name}: ${rules(v!).join(' ')}`);
        assert.ok(rules(v!).includes('split-secrets/cross-parameter'), `${name}: ${rules(v!).join(' ')}`);
      }
    }
  });

  it('hard negatives: ordinary messages, and unrelated ids (uuids, hashes, order numbers, versions) at the message boundaries, give no split finding', () => {
    const conversations: string[][] = [
      ['Can you summarise the meeting notes from Tuesday?', 'Sure. The team agreed to ship the release next week and to review the budget in March.'],
      ['Order 48213977 shipped today, tracking 1Z999AA10123456784', 'Refund for order 48213978 was approved; ticket 55102.'],
      ['The deploy id is 3f2b9c1e-7a4d-4e8f-9b6a-2c5d8e1f0a3b', 'and the build hash is 9fceb02d0ae598e95dc970b74767f19372d61af8 on node v20.20.2'],
      ['Pinned image sha256:4b825dc642cb6eb9a060e54bf8d69288fbee4904a1b2c3d4e5f60718293a4b5c and version 1.24.0-rc2', 'Next: ASIAPACIFIC region rollout, ticket JIRA-4521, commit a1b2c3d'],
      ['See AKIA in the docs and the ghp_ prefix in the GitHub guide', 'these are just the prefixes AWS and GitHub use, nothing more'],
    ];
    for (const [name, wrap] of Object.entries(WIRES)) {
      for (const texts of conversations) {
        const vs = send(wrap, texts);
        assert.deepEqual(splitFindings(vs), [], `${name}: ${texts.join(' | ')}`);
      }
    }
  });

  it('property: ids drawn at random at the ends of ordinary messages give no split finding across a long session', () => {
    let seed = 7;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const pick = (alphabet: string, n: number): string => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
    const HEX = '0123456789abcdef';
    const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const ids = [() => pick(HEX, 40), () => `${pick(HEX, 8)}-${pick(HEX, 4)}-${pick(HEX, 4)}-${pick(HEX, 4)}-${pick(HEX, 12)}`, () => pick('0123456789', 9), () => pick(ALNUM, 12), () => `v${pick('0123456789', 1)}.${pick('0123456789', 2)}.${pick('0123456789', 1)}`];
    const texts = Array.from({ length: 200 }, (_, i) => `${ids[i % ids.length]!()} was updated by the nightly job, see ${ids[(i + 2) % ids.length]!()}`);
    assert.deepEqual(splitFindings(send(WIRES['plain body']!, texts)), []);
  });
});
