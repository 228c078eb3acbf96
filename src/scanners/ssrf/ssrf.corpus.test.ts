// Evaluation over the PayloadsAllTheThings SSRF payload lines (read-only, from ../shared/corpora).
//
// Filter, documented: a payload line is considered when
//   1. it contains a URL: the first whitespace-delimited word holding `scheme://`, taken from the
//      start of its scheme (so `ssrf.php?url=http://…`, `curl … "http://…"` and annotated lines
//      such as `http://A = http://B` yield their first URL), or a word that starts with a scheme
//      abused for SSRF followed by ':' (`jar:…`, `http:127…`); or
//   2. the whole line is a single host-looking word (letters, digits, '.', '-', with a dot),
//      which is checked as `http://<word>/`; or
//   3. the line is dig-style `Label: value` (two words, the first ending in ':') and the value is
//      host-looking: the value is checked as in 2.
// Everything else (prose, Python, shell without a URL, DNS zone lines) is excluded.
//
// Expectation comes from an oracle independent of the scanner's own tables (WHATWG URL + ipaddr.js):
//   block: WHATWG cannot parse it (must fail closed), the scheme is not http/https/ws/wss, the host is
//          an IP literal ipaddr.js does not call unicast, a name embedding such an address, a name
//          with no dot or under .internal/.local/.localhost, or a known metadata name;
//   flag:  the URL is public but carries a nested URL whose host the oracle would block;
//   none:  a public target whose danger (an open redirect, a later DNS answer) needs the network.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import ipaddr from 'ipaddr.js';
import type { ScanInput } from '../../core/index.ts';
import { TEST_CTX } from '../testing.ts';
import { createSsrfScanner } from './index.ts';

const DATA = '../shared/corpora/swisskyrepo-PayloadsAllTheThings/DERIVED_ssrf_payloads_from_markdown.json';

interface Entry {
  payload: string;
  section: string;
}

const BARE_SCHEMES = new Set(['http', 'https', 'jar', 'file', 'gopher', 'dict', 'ldap', 'netdoc', 'tftp', 'sftp', 'ftp', 'php', 'phar', 'expect']);

function isSchemeChar(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '+' || ch === '.' || ch === '-';
}

/** Whitespace-separated words, by a plain loop (no regex over corpus text). */
function splitWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of line) {
    if (ch.trim() === '') {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

function words(line: string): string[] {
  return splitWords(line).map((w) => w.split('"').join(' ').split("'").join(' ').split('`').join(' ').trim().split(' ')[0] ?? '');
}

function firstUrl(line: string): string | null {
  for (const w of splitWords(line)) {
    const at = w.indexOf('://');
    if (at > 0) {
      let start = at;
      while (start > 0 && isSchemeChar(w[start - 1]!)) start--;
      let end = w.length;
      for (const q of ['"', "'", '`']) {
        const k = w.indexOf(q, at);
        if (k >= 0 && k < end) end = k;
      }
      if (start < at) return w.slice(start, end);
    }
    const colon = w.indexOf(':');
    if (colon > 0 && BARE_SCHEMES.has(w.slice(0, colon).toLowerCase()) && colon + 1 < w.length) return w;
  }
  return null;
}

function labelled(line: string): string | null {
  const w = splitWords(line);
  return w.length === 2 && w[0]!.endsWith(':') ? hostLike(w[1]!) : null;
}

function hostLike(line: string): string | null {
  const t = line.trim();
  if (t.length === 0 || !t.includes('.')) return null;
  for (const ch of t) if (!(isSchemeChar(ch) && ch !== '+')) return null;
  return `http://${t}/`;
}

type Expect = 'block' | 'flag' | 'none';

function oracleHost(hostname: string): boolean {
  let h = hostname.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (ipaddr.isValid(h)) {
    const a = ipaddr.parse(h);
    const range = a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address().range() : a.range();
    return range !== 'unicast';
  }
  if (!h.includes('.')) return true;
  for (const suffix of ['internal', 'local', 'localhost']) if (h === suffix || h.endsWith(`.${suffix}`)) return true;
  if (['metadata.goog', 'metadata.tencentyun.com'].includes(h)) return true;
  // A name embedding a non-unicast IPv4 address (dotted or dashed), e.g. rebinding helpers.
  const nums: string[] = [];
  let run = '';
  for (const ch of `${h} `) {
    if (ch >= '0' && ch <= '9') run += ch;
    else if (run) {
      nums.push(run);
      run = '';
    }
  }
  for (let i = 0; i + 3 < nums.length; i++) {
    const cand = nums.slice(i, i + 4).join('.');
    if (ipaddr.IPv4.isValidFourPartDecimal(cand) && ipaddr.IPv4.parse(cand).range() !== 'unicast') return true;
  }
  return false;
}

function oracle(url: string): Expect {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'block';
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol)) return 'block';
  if (oracleHost(u.hostname)) return 'block';
  const rest = url.slice(url.indexOf('://') + 3);
  const inner = firstUrl(decodeURIComponentSafe(rest));
  if (inner && oracle(inner) !== 'none') return 'flag';
  return 'none';
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const present = existsSync(DATA);

test('blocks every PayloadsAllTheThings SSRF payload that names an internal, metadata or forbidden-scheme target', { skip: present ? false : 'corpus folder absent' }, () => {
  const entries = JSON.parse(readFileSync(DATA, 'utf8')) as Entry[];
  const scanner = createSsrfScanner();
  const perSection = new Map<string, { considered: number; blocked: number; flagged: number; excluded: number }>();
  const notBlocked: string[] = [];
  const missed: string[] = [];
  const excluded: string[] = [];
  let considered = 0;
  let blockedCount = 0;
  let expectBlock = 0;
  let expectBlockBlocked = 0;
  for (const e of entries) {
    const stats = perSection.get(e.section) ?? { considered: 0, blocked: 0, flagged: 0, excluded: 0 };
    perSection.set(e.section, stats);
    const url = firstUrl(e.payload) ?? hostLike(e.payload) ?? labelled(e.payload);
    if (url === null) {
      stats.excluded++;
      excluded.push(`[${e.section}] ${words(e.payload).slice(0, 3).join(' ').slice(0, 50)}…`);
      continue;
    }
    considered++;
    stats.considered++;
    const input: ScanInput = { kind: 'url', url };
    const findings = scanner.scan({ input, segments: [], url }, TEST_CTX);
    const isBlocked = findings.some((f) => f.severity === 'high' || f.severity === 'critical');
    if (isBlocked) {
      blockedCount++;
      stats.blocked++;
    } else if (findings.length > 0) stats.flagged++;
    const expect = oracle(url);
    if (expect === 'block') {
      expectBlock++;
      if (isBlocked) expectBlockBlocked++;
      else missed.push(`${url} (expected block; got ${findings.map((f) => f.rule).join(', ') || 'nothing'})`);
    }
    if (expect === 'flag' && findings.length === 0) missed.push(`${url} (expected a finding for its nested URL)`);
    if (!isBlocked) {
      const got = findings.length ? `flagged ${findings.map((f) => `${f.rule}[${f.severity}]`).join(', ')}` : 'no finding';
      const why = expect === 'none' ? `${got}; a public target whose danger (a redirect, a later DNS answer) needs the network` : got;
      notBlocked.push(`[${e.section}] ${url} — ${why}`);
    }
  }
  console.log(`PayloadsAllTheThings SSRF: ${blockedCount}/${considered} considered payloads blocked; ${entries.length - considered} lines excluded by the filter`);
  console.log(`  oracle says "must block": ${expectBlockBlocked}/${expectBlock} blocked`);
  for (const [section, s] of perSection) {
    console.log(`  ${section}: ${s.blocked}/${s.considered} blocked${s.flagged ? `, ${s.flagged} flagged below blocking` : ''}${s.excluded ? `, ${s.excluded} excluded` : ''}`);
  }
  for (const n of notBlocked) console.log(`  not blocked: ${n}`);
  for (const x of excluded) console.log(`  excluded: ${x}`);
  assert.ok(considered >= 100, `the filter should keep most payload lines (kept ${considered})`);
  assert.deepEqual(missed, []);
});
