import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { canonicalJson, CanonicalError, createPinStore, fingerprintTool, PinsError, serverPinId, unifiedDiff } from './index.ts';

const tool = (description: string, extra: Record<string, unknown> = {}) => ({ name: 'weather', description, inputSchema: { type: 'object', properties: { city: { type: 'string' } } }, ...extra });
const fp = (t: ReturnType<typeof tool>) => fingerprintTool(t, 64 * 1024);

function store(dir = mkdtempSync(join(tmpdir(), 'tollgate-pins-')), max = 100) {
  let t = Date.UTC(2025, 0, 1);
  return { dir, pins: createPinStore({ dir, maxPinnedTools: max, now: () => (t += 1000) }) };
}

describe('canonicalJson and fingerprints', () => {
  it('sorts keys at every level and ignores key order, so the same tool always has the same fingerprint', () => {
    assert.equal(canonicalJson({ b: [1, { d: 2, c: 'x' }], a: null }), '{"a":null,"b":[1,{"c":"x","d":2}]}');
    const a = fingerprintTool({ name: 'x', description: 'd', inputSchema: { type: 'object', properties: { p: { type: 'string' } } } }, 1000);
    const b = fingerprintTool({ inputSchema: { properties: { p: { type: 'string' } }, type: 'object' }, description: 'd', name: 'x' }, 1000);
    assert.equal(a.fingerprint, b.fingerprint);
    assert.match(a.fingerprint, /^sha256:[0-9a-f]{64}$/);
  });

  it('covers description, schemas, title and annotations but not the name or unrelated fields', () => {
    const base = fp(tool('d'));
    assert.notEqual(fp(tool('d', { annotations: { destructiveHint: true } })).fingerprint, base.fingerprint);
    assert.notEqual(fp(tool('d', { outputSchema: { type: 'object' } })).fingerprint, base.fingerprint);
    assert.notEqual(fp(tool('d', { title: 'Weather' })).fingerprint, base.fingerprint);
    assert.notEqual(fp(tool('d\u200b')).fingerprint, base.fingerprint);
    assert.equal(fp({ ...tool('d'), name: 'other', _meta: { x: 1 } } as ReturnType<typeof tool>).fingerprint, base.fingerprint);
  });

  it('refuses values that are not JSON or nest too deep', () => {
    let deep: unknown = {};
    for (let i = 0; i < 200; i++) deep = { d: deep };
    assert.throws(() => fingerprintTool({ name: 'x', inputSchema: deep }, 100), CanonicalError);
    assert.throws(() => canonicalJson({ n: Number.NaN }), CanonicalError);
  });

  it('renders hidden characters visibly in the pinned text', () => {
    assert.match(fp(tool('safe\u200btext\u202e')).text, /safe\\u\{200B\}text\\u\{202E\}/);
  });
});

describe('unifiedDiff', () => {
  it('shows changed lines with context in unified form', () => {
    const d = unifiedDiff('a\nb\nc\nd\ne\nf\ng\nh\ni', 'a\nb\nc\nd\nE\nf\ng\nh\ni\nj', 'old', 'new');
    assert.equal(d, ['--- old', '+++ new', '@@ -2,8 +2,9 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h', ' i', '+j', ''].join('\n'));
    assert.equal(unifiedDiff('same', 'same', 'a', 'b'), '');
  });
});

describe('pin store', () => {
  it('pins first sightings in a 0600 file under its own 0700 directory, and reports a later change as pending', () => {
    const { dir, pins } = store(join(mkdtempSync(join(tmpdir(), 'tollgate-pins-')), 'pins'));
    const first = pins.observe('stdio:["srv"]', [fp(tool('v1'))], { complete: true });
    assert.equal(first.status.get('weather'), 'new');
    assert.equal(statSync(first.file).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(first.id, serverPinId('stdio:["srv"]'));
    assert.equal(pins.observe('stdio:["srv"]', [fp(tool('v1'))], { complete: true }).status.get('weather'), 'match');
    const changed = pins.observe('stdio:["srv"]', [fp(tool('v2'))], { complete: true });
    assert.equal(changed.status.get('weather'), 'changed');
    assert.equal(changed.changed[0]?.pinned, fp(tool('v1')).fingerprint);
    const saved = pins.read(first.id)?.tools[0];
    assert.equal(saved?.fingerprint, fp(tool('v1')).fingerprint);
    assert.equal(saved?.pending?.fingerprint, fp(tool('v2')).fingerprint);
    assert.deepEqual(readdirSync(dir), [`${first.id}.json`], 'no temp files left behind');
  });

  it('keeps a change pending until approved, then the new definition is the pin', () => {
    const { pins } = store();
    const id = pins.observe('s', [fp(tool('v1'))], { complete: true }).id;
    pins.observe('s', [fp(tool('v2'))], { complete: true });
    assert.equal(pins.observe('s', [fp(tool('v2'))], { complete: true }).status.get('weather'), 'changed');
    assert.deepEqual(pins.approve(id, 'weather'), ['weather']);
    assert.equal(pins.observe('s', [fp(tool('v2'))], { complete: true }).status.get('weather'), 'match');
    assert.equal(pins.observe('s', [fp(tool('v1'))], { complete: true }).status.get('weather'), 'changed');
  });

  it('reports a removal once, and a rename when a new name carries a missing pin\'s definition', () => {
    const { pins } = store();
    const a = { ...tool('same body'), name: 'read_file' };
    pins.observe('s', [fp(a), fp(tool('w'))], { complete: true });
    const r = pins.observe('s', [fp({ ...a, name: 'read_any_file' }), fp(tool('w'))], { complete: true });
    assert.deepEqual(r.renamed, [{ from: 'read_file', to: 'read_any_file' }]);
    assert.deepEqual(r.removed, ['read_file']);
    assert.equal(r.status.get('read_any_file'), 'new');
    assert.deepEqual(pins.observe('s', [fp({ ...a, name: 'read_any_file' }), fp(tool('w'))], { complete: true }).removed, []);
    assert.deepEqual(pins.observe('s', [fp(tool('w'))], { complete: false }).removed, [], 'an incomplete list reports no removals');
  });

  it('bounds the pins per server: past the limit new tools are over the limit, and no pin is dropped to make room', () => {
    const { pins } = store(undefined, 2);
    const named = (n: string) => fp({ ...tool(n), name: n });
    const id = pins.observe('s', [named('a'), named('b')], { complete: true }).id;
    const r = pins.observe('s', [named('a'), named('c')], { complete: true });
    assert.equal(r.status.get('c'), 'over-limit', 'b is not listed any more, but its pin stays');
    assert.deepEqual(r.removed, ['b']);
    assert.deepEqual(pins.read(id)?.tools.map((t) => t.name).sort(), ['a', 'b']);
    assert.equal(pins.reset(id, 'b'), true);
    assert.equal(pins.observe('s', [named('a'), named('c')], { complete: true }).status.get('c'), 'new', 'pins reset makes room');
  });

  it('a flood of new names cannot push out a pin: the tool changed afterwards is still reported as changed', () => {
    const { pins } = store(undefined, 3);
    const named = (n: string, d = n) => fp({ ...tool(d), name: n });
    const id = pins.observe('s', [named('weather', 'v1')], { complete: true }).id;
    const flood = pins.observe('s', [named('t1'), named('t2'), named('t3')], { complete: true });
    assert.deepEqual([flood.status.get('t1'), flood.status.get('t2'), flood.status.get('t3')], ['new', 'new', 'over-limit']);
    assert.ok(pins.read(id)?.tools.some((t) => t.name === 'weather' && t.fingerprint === named('weather', 'v1').fingerprint));
    const back = pins.observe('s', [named('weather', 'v2 now also mails your files')], { complete: true });
    assert.equal(back.status.get('weather'), 'changed');
    assert.deepEqual(back.changed.map((c) => c.name), ['weather']);
    // The same flood spread over pages (incomplete lists) does no more.
    const paged = store(undefined, 3).pins;
    paged.observe('p', [named('weather', 'v1')], { complete: true });
    paged.observe('p', [named('t1'), named('t2')], { complete: false });
    paged.observe('p', [named('t3'), named('t4')], { complete: false });
    assert.equal(paged.observe('p', [named('weather', 'v2')], { complete: false }).status.get('weather'), 'changed');
  });

  it('an honest paginated server keeps the pins of earlier pages, and removals and renames wait for a complete list', () => {
    const { pins } = store(undefined, 3);
    const named = (n: string, d = n) => fp({ ...tool(d), name: n });
    // 4 tools over 2 pages, limit 3.
    const p1 = pins.observe('s', [named('a'), named('b'), named('c')], { complete: false });
    assert.deepEqual(p1.removed, []);
    const p2 = pins.observe('s', [named('d', 'a')], { complete: false });
    assert.equal(p2.status.get('d'), 'over-limit');
    assert.deepEqual([p2.removed, p2.renamed], [[], []], 'a page without a, b and c says nothing about them');
    // The next listing: page 1 has a changed.
    const again = pins.observe('s', [named('a', 'a changed'), named('b'), named('c')], { complete: false });
    assert.equal(again.status.get('a'), 'changed');
    // A complete single-page list still reports removals and renames.
    const whole = store(undefined, 10).pins;
    whole.observe('w', [named('x'), named('y')], { complete: true });
    const r = whole.observe('w', [named('z', 'x')], { complete: true });
    assert.deepEqual(r.renamed, [{ from: 'x', to: 'z' }]);
    assert.deepEqual(r.removed, ['x', 'y']);
  });

  it('fails closed on a pin file it cannot read instead of treating it as empty', () => {
    const { dir, pins } = store();
    writeFileSync(join(dir, `${serverPinId('s')}.json`), '{"version":1,"server":"s","tools":[{"name":1}]}');
    assert.throws(() => pins.observe('s', [fp(tool('v1'))], { complete: true }), PinsError);
    writeFileSync(join(dir, `${serverPinId('s')}.json`), 'not json');
    assert.throws(() => pins.observe('s', [fp(tool('v1'))], { complete: true }), PinsError);
    assert.equal(pins.list().errors.length, 1);
  });

  it('keeps a tool named __proto__ as data', () => {
    const { pins } = store();
    const id = pins.observe('s', [fp({ ...tool('x'), name: '__proto__' })], { complete: true }).id;
    assert.deepEqual(pins.read(id)?.tools.map((t) => t.name), ['__proto__']);
    assert.match(readFileSync(join(pins.dir, `${id}.json`), 'utf8'), /"name": "__proto__"/);
  });

  it('resets one tool or a whole server', () => {
    const { pins } = store();
    const id = pins.observe('s', [fp(tool('x')), fp({ ...tool('y'), name: 'other' })], { complete: true }).id;
    assert.equal(pins.reset(id, 'other'), true);
    assert.deepEqual(pins.read(id)?.tools.map((t) => t.name), ['weather']);
    assert.equal(pins.reset(id), true);
    assert.equal(pins.read(id), undefined);
    assert.equal(pins.reset(id), false);
  });
});
