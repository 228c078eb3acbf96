import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { createPinStore, fingerprintTool, serverPinId } from '../src/state/pins/index.ts';

// `tollgate mcp pins` through the real binary, against pin files written into a temporary TOLLGATE_HOME.
const BIN = resolve(import.meta.dirname, '../bin/tollgate.js');

function setup() {
  const h = mkdtempSync(join(tmpdir(), 'tollgate-pins-cli-'));
  const dir = join(h, 'pins');
  mkdirSync(dir, { recursive: true });
  const store = createPinStore({ dir, maxPinnedTools: 100 });
  const tool = (description: string) => fingerprintTool({ name: 'weather', description, inputSchema: { type: 'object' } }, 64 * 1024);
  const good = 'stdio:["good"]';
  store.observe(good, [tool('v1')], { complete: true });
  store.observe(good, [tool('v2')], { complete: true });
  const goodId = serverPinId(good);
  const brokenId = serverPinId('stdio:["broken"]');
  const brokenFile = join(dir, `${brokenId}.json`);
  writeFileSync(brokenFile, '{"broken\n');
  const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'mcp', 'pins', ...args], { encoding: 'utf8', timeout: 180_000, env: { ...process.env, NO_COLOR: '1', TOLLGATE_HOME: h } });
  return { dir, goodId, brokenId, brokenFile, cli };
}

describe('tollgate mcp pins (the real binary)', () => {
  it('reset --server removes an unreadable pin file and says so; a tool reset of it is refused', () => {
    const { brokenId, brokenFile, goodId, dir, cli } = setup();
    const one = cli('reset', '--server', brokenId, 'weather');
    assert.equal(one.status, 1);
    assert.match(one.stderr, /cannot be read; reset the whole server/);
    assert.ok(existsSync(brokenFile));
    for (const server of [brokenId, brokenId.slice(0, 8)]) {
      const r = cli('reset', '--server', server);
      if (server === brokenId) {
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, `removed the unreadable pin file of server ${brokenId}\n`);
      } else {
        assert.equal(r.status, 1, 'already gone');
        assert.match(r.stderr, /no pins for server/);
      }
    }
    assert.ok(!existsSync(brokenFile));
    assert.ok(existsSync(join(dir, `${goodId}.json`)), 'the other server keeps its pins');
  });

  it('reset --all removes unreadable pin files along with the readable ones', () => {
    const { brokenFile, brokenId, goodId, dir, cli } = setup();
    const r = cli('reset', '--all');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^removed the unreadable pin file of server ${brokenId}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^reset all tools \\(server ${goodId}\\)$`, 'm'));
    assert.ok(!existsSync(brokenFile));
    assert.ok(!existsSync(join(dir, `${goodId}.json`)));
  });

  it('diff of a tool the server has no pin of says it is unknown and exits non-zero', () => {
    const { goodId, cli } = setup();
    const unknown = cli('diff', '--server', goodId, 'nosuchtool');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, new RegExp(`unknown tool "nosuchtool" for server ${goodId}`));
    assert.doesNotMatch(unknown.stdout, /no changed tools/);
    const anywhere = cli('diff', 'nosuchtool');
    assert.equal(anywhere.status, 1);
    assert.match(anywhere.stderr, /no pinned tool "nosuchtool" on any server/);
    const known = cli('diff', '--server', goodId, 'weather');
    assert.equal(known.status, 0, known.stderr);
    assert.match(known.stdout, /^tool weather$/m);
  });
});
