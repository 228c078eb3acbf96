import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { COMMAND_MODULES, modulesFor } from './command-index.ts';

describe('command index', () => {
  it('names exactly the top-level commands each module registers', async () => {
    for (const m of COMMAND_MODULES) {
      const program = new Command();
      (await m.load())(program);
      assert.deepEqual(program.commands.map((c) => c.name()), [...m.names]);
    }
  });

  it('loads only the module of the command named, even with options and arguments after it', () => {
    assert.deepEqual(modulesFor(['run', '--listen', '127.0.0.1:0']).map((m) => m.names), [['run']]);
    assert.deepEqual(modulesFor(['presets']).map((m) => m.names), [['init', 'config', 'presets']]);
    assert.deepEqual(modulesFor(['mcp', '--', 'node', 'server.js']).map((m) => m.names), [['mcp']]);
  });

  it('loads none for a bare --version and every module for help, no command or an unknown one', () => {
    assert.deepEqual(modulesFor(['--version']), []);
    assert.deepEqual(modulesFor(['-V']), []);
    for (const args of [[], ['--help'], ['help', 'run'], ['nosuchcommand']]) assert.equal(modulesFor(args).length, COMMAND_MODULES.length, args.join(' '));
  });
});
