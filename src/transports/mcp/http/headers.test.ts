import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHeaderFlag, resolveHeaders } from './headers.ts';

describe('upstream header templates', () => {
  it('fills ${NAME} from the environment and reports the variables used', () => {
    const r = resolveHeaders({ Authorization: 'Bearer ${MCP_TOKEN}', 'X-Team': '${TEAM}-tools', 'X-Client': 'tollgate' }, { MCP_TOKEN: 'abc123', TEAM: 'infra' });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.headers, { authorization: 'Bearer abc123', 'x-team': 'infra-tools', 'x-client': 'tollgate' });
    assert.deepEqual([...r.envNames].sort(), ['MCP_TOKEN', 'TEAM']);
  });

  it('refuses an unset variable, a literal credential, a reserved header and a value that would split headers, without echoing values', () => {
    const r = resolveHeaders(
      { Authorization: 'Bearer ${MISSING}', 'X-Api-Key': 'sk_live_Zq8pw4471xSigningValue42', 'Mcp-Session-Id': 'x', 'X-Bad': '${NL}', 'X-Open': '${UNCLOSED' },
      { NL: 'a\r\nInjected: 1' },
    );
    assert.deepEqual(r.headers, {});
    assert.equal(r.problems.length, 5);
    assert.match(r.problems.join('\n'), /MISSING is not set/);
    assert.match(r.problems.join('\n'), /x-api-key has a literal value that looks like a credential/);
    assert.match(r.problems.join('\n'), /mcp-session-id is set by Tollgate itself/);
    assert.match(r.problems.join('\n'), /x-bad: the value contains a line break/);
    assert.doesNotMatch(r.problems.join('\n'), /Zq8pw|Injected/);
  });

  it('parses --header "Name: value" and refuses a flag without a name', () => {
    assert.deepEqual(parseHeaderFlag('Authorization: Bearer ${T}'), { ok: true, name: 'Authorization', template: 'Bearer ${T}' });
    assert.equal(parseHeaderFlag('no colon').ok, false);
    assert.equal(parseHeaderFlag('Bad Name: x').ok, false);
  });
});
