import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostOf, isLoopbackName, loopbackHostCheck } from './respond.ts';

describe('the listener Host check', () => {
  it('gives each Host header its own verdict, whatever came before it (the remembered verdict never sticks)', () => {
    const check = loopbackHostCheck();
    const hosts = ['127.0.0.1:8080', '127.0.0.1:8080', 'evil.example:8080', '127.0.0.1:8080', 'localhost', '[::1]:9', 'attacker.localhost.evil', '[::1]:9', '', '127.0.0.1.nip.io', '127.9.9.9'];
    const seen = hosts.map((h) => check(h));
    assert.deepEqual(seen, [true, true, false, true, true, true, false, true, false, false, true]);
    assert.deepEqual(seen, hosts.map((h) => isLoopbackName(hostOf(h))));
  });
});
