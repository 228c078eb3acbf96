import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, spawnClient, until } from './helpers/mcp.ts';

/**
 * The kill switch of `tollgate mcp` (stdio), end to end with a real MCP server from npm and the real
 * SDK client: the sentinel file in the data dir and SIGUSR1 each stop every message until released.
 */
const EVERYTHING = join(ROOT, 'node_modules/.bin/mcp-server-everything');

/** Whether tools/list is refused by the kill switch right now (false: it was answered). */
async function refusedByKillSwitch(client: Awaited<ReturnType<typeof spawnClient>>['client']): Promise<boolean> {
  try {
    await client.listTools();
    return false;
  } catch (err) {
    const e = err as { code?: number; message?: string };
    assert.equal(e.code, -32001, `refused by Tollgate, not something else: ${e.message}`);
    assert.match(e.message ?? '', /kill switch/);
    return true;
  }
}

describe('tollgate mcp: the kill switch', () => {
  it('the sentinel file and SIGUSR1 stop every message until released; each change is noted', { timeout: 120_000 }, async () => {
    const home = mkdtempSync(join(tmpdir(), 'tollgate-home-'));
    const cfg = join(home, 'tollgate.yaml');
    writeFileSync(cfg, 'killSwitch:\n  pollMs: 100\n');
    const c = await spawnClient(['--config', cfg, '--', EVERYTHING], { home });
    try {
      assert.ok((await c.client.listTools()).tools.length > 0);
      assert.match(c.stderr(), /kill switch: SIGUSR1 or create .*KILL/);
      const sentinel = join(home, 'KILL');
      writeFileSync(sentinel, '');
      let on = false;
      for (const start = Date.now(); !on && Date.now() - start < 20_000; ) on = await refusedByKillSwitch(c.client);
      assert.ok(on, 'refused while the sentinel file exists');
      await assert.rejects(c.client.callTool({ name: 'echo', arguments: { message: 'hi' } }), /kill switch/);
      rmSync(sentinel);
      let off = false;
      for (const start = Date.now(); !off && Date.now() - start < 20_000; ) off = !(await refusedByKillSwitch(c.client));
      assert.ok(off, 'answered again once the file is gone');
      // SIGUSR1 flips the manual hold, on and off again.
      assert.ok(typeof c.pid === 'number');
      process.kill(c.pid, 'SIGUSR1');
      await until(() => (c.stderr().match(/kill switch on/g) ?? []).length >= 2, 'the signal turning the switch on');
      assert.equal(await refusedByKillSwitch(c.client), true);
      process.kill(c.pid, 'SIGUSR1');
      await until(() => (c.stderr().match(/kill switch off/g) ?? []).length >= 2, 'the signal turning it off');
      assert.equal(await refusedByKillSwitch(c.client), false);
      const text = (await c.client.callTool({ name: 'echo', arguments: { message: 'after' } })) as { content: { text: string }[] };
      assert.match(text.content[0]!.text, /after/);
    } finally {
      await c.client.close();
    }
  });
});
