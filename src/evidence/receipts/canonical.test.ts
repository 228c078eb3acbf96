import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CanonicalJsonError, canonicalize, canonicalObject, isWellFormed } from './canonical.ts';

/** A double from its IEEE-754 bit pattern (RFC 8785 Appendix B lists numbers this way). */
function double(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('canonicalize (RFC 8785)', () => {
  it('writes the RFC 8785 §3.2.2 example exactly', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    assert.equal(
      canonicalize(input),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units as in the RFC 8785 §3.2.3 example', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    assert.equal(
      canonicalize(input),
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('serialises the RFC 8785 Appendix B numbers as Number.prototype.toString does', () => {
    const table: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [hex, want] of table) assert.equal(canonicalize(double(hex)), want, hex);
  });

  it('rejects NaN and the infinities (RFC 8785 Appendix B error cases)', () => {
    for (const hex of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      assert.throws(() => canonicalize([double(hex)]), CanonicalJsonError, hex);
    }
  });

  it('escapes controls with short forms or lower-case \\u00XX and leaves U+007F, U+2028 and U+2029 literal', () => {
    assert.equal(canonicalize('\u0000\b\t\n\f\r\u001f\u007f\u2028\u2029"\\/'), '"\\u0000\\b\\t\\n\\f\\r\\u001f\u007f\u2028\u2029\\"\\\\/"');
  });

  it('rejects lone surrogates in values and keys, accepts pairs', () => {
    assert.throws(() => canonicalize('a\ud800b'), /lone surrogate/);
    assert.throws(() => canonicalize('\udc00'), /lone surrogate/);
    assert.throws(() => canonicalize({ ['k\ud83d']: 1 }), /lone surrogate/);
    assert.equal(canonicalize('\ud83d\ude00'), '"\ud83d\ude00"');
    assert.equal(isWellFormed('x\ud83d'), false);
  });

  it('rejects undefined in arrays and at the top, non-plain objects, bigints, functions and symbols; drops undefined properties', () => {
    assert.throws(() => canonicalize([1, undefined]), /undefined array element at \$\[1\]/);
    assert.throws(() => canonicalize(undefined), CanonicalJsonError);
    assert.throws(() => canonicalize({ d: new Date(0) }), /not a plain object at \$\.d/);
    assert.throws(() => canonicalize(new Map()), /not a plain object/);
    assert.throws(() => canonicalize({ n: 1n }), /bigint is not JSON/);
    assert.throws(() => canonicalize({ f: () => 1 }), /function is not JSON/);
    assert.throws(() => canonicalize({ [Symbol('s')]: 1 }), /symbol key/);
    assert.equal(canonicalize({ b: undefined, a: 1 }), '{"a":1}');
    assert.equal(canonicalize(Object.assign(Object.create(null) as object, { z: 1, y: [] })), '{"y":[],"z":1}');
  });

  it('bounds nesting depth (and so rejects cycles)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = [deep];
    assert.throws(() => canonicalize(deep), /nesting deeper than 32/);
    assert.doesNotThrow(() => canonicalize(deep, { maxDepth: 64 }));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => canonicalize(cyclic), /nesting deeper/);
  });

  it('is a fixed point: parsing canonical text and canonicalising again gives the same text', () => {
    const json = fc.jsonValue({ maxDepth: 5 });
    fc.assert(
      fc.property(json, (v) => {
        const once = canonicalize(v);
        assert.equal(canonicalize(JSON.parse(once)), once);
        assert.deepEqual(JSON.parse(once), JSON.parse(JSON.stringify(v)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('canonicalObject (one pass, with and without one member)', () => {
  it('gives the same text as canonicalize, and with(k, v) the same as canonicalize of the object with k set', () => {
    const key = fc.oneof(fc.constantFrom('sig', 'seq', 'prev', 'time', 'v', 'a', 'zz', 'si', 'sig2'), fc.string({ maxLength: 6 }));
    const obj = fc.dictionary(key, fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined)), { maxKeys: 8 });
    fc.assert(
      fc.property(obj, fc.string({ maxLength: 20 }), (o, sig) => {
        const c = canonicalObject(o);
        assert.equal(c.text, canonicalize(o));
        assert.equal(c.with('sig', sig), canonicalize({ ...o, sig }));
      }),
      { numRuns: 300, seed: 8785 },
    );
  });

  it('rejects what canonicalize rejects, with the same message', () => {
    assert.throws(() => canonicalObject({ a: [1, undefined] }), /undefined array element at \$\.a\[1\]/);
    assert.throws(() => canonicalObject({ d: new Date(0) }), /not a plain object at \$\.d/);
    assert.throws(() => canonicalObject({ s: 'x\ud800' }), /lone surrogate in string at \$\.s/);
    assert.throws(() => canonicalObject({}).with('sig', '\udc00'), /lone surrogate/);
  });
});
