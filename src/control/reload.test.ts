import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../config/index.ts';
import { restartOnlyChanges } from './reload.ts';

const config = (extra: string) => parseConfig(`preset: balanced\n${extra}`).config;

describe('restartOnlyChanges', () => {
  it('names a changed upstream pool size, which only a restart applies', () => {
    assert.deepEqual(restartOnlyChanges(config(''), config('proxy:\n  upstreamIdleSockets: 8\n')), ['proxy.upstreamIdleSockets']);
  });

  it('names nothing for settings a reload applies', () => {
    assert.deepEqual(restartOnlyChanges(config(''), config('mode: audit\n')), []);
  });
});
