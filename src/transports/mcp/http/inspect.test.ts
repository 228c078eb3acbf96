import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mediaType } from './inspect.ts';

/** The definition mediaType implements: the part before the first ';', trimmed, lower case; empty is none. */
function reference(header: string | string[] | undefined): string | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (v === undefined) return undefined;
  const t = (v.split(';')[0] ?? '').trim().toLowerCase();
  return t === '' ? undefined : t;
}

describe('mediaType (Content-Type without parameters)', () => {
  const cases: (string | string[] | undefined)[] = [
    undefined,
    '',
    ';',
    ' ; charset=utf-8',
    'application/json',
    'Application/JSON; charset=utf-8',
    ' text/event-stream ',
    'text/event-stream;charset=utf-8;x=1',
    'text/plain;;',
    ['TEXT/HTML; q=1', 'application/json'],
    [],
  ];
  for (const c of cases) {
    it(`reads ${JSON.stringify(c)} as the split-based definition does`, () => {
      assert.equal(mediaType(c), reference(c));
    });
  }

  it('lower-cases and drops parameters', () => {
    assert.equal(mediaType('Text/Event-Stream; charset=UTF-8'), 'text/event-stream');
    assert.equal(mediaType('  ;x'), undefined);
  });
});
