import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveDataDir, resolveInDataDir } from './data-dir.ts';

describe('data dir', () => {
  const ctx = { home: '/home/ada', cwd: '/srv/app' };
  it('expands ~, resolves relative dirs from the working directory, and lets TOLLGATE_HOME override', () => {
    assert.equal(resolveDataDir('~/.tollgate', { ...ctx, env: {} }), '/home/ada/.tollgate');
    assert.equal(resolveDataDir('~', { ...ctx, env: {} }), '/home/ada');
    assert.equal(resolveDataDir('state', { ...ctx, env: {} }), '/srv/app/state');
    assert.equal(resolveDataDir('~/.tollgate', { ...ctx, env: { TOLLGATE_HOME: '/var/lib/tollgate' } }), '/var/lib/tollgate');
    assert.equal(resolveDataDir('~/.tollgate', { ...ctx, env: { TOLLGATE_HOME: '~/tg' } }), '/home/ada/tg');
    assert.equal(resolveDataDir('/d', { ...ctx, env: { TOLLGATE_HOME: '' } }), '/d');
    assert.equal(resolveDataDir('~user/x', { ...ctx, env: {} }), '/srv/app/~user/x');
  });
  it('places relative paths inside the data dir and keeps absolute and ~ paths', () => {
    assert.equal(resolveInDataDir('/d', 'receipts.jsonl', ctx), '/d/receipts.jsonl');
    assert.equal(resolveInDataDir('/d', 'keys/k.pem', ctx), '/d/keys/k.pem');
    assert.equal(resolveInDataDir('/d', '/etc/tollgate/k.pem', ctx), '/etc/tollgate/k.pem');
    assert.equal(resolveInDataDir('/d', '~/k.pem', ctx), '/home/ada/k.pem');
  });
});
