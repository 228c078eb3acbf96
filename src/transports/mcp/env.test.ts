import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MCP_ENV_ALLOW } from '../../config/mcp-schema.ts';
import { buildChildEnv } from './env.ts';

describe('buildChildEnv', () => {
  const parent = {
    PATH: '/usr/bin',
    HOME: '/home/u',
    LC_ALL: 'C.UTF-8',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzEXAMPLEKEY',
    GITHUB_TOKEN: 'ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    DATABASE_URL: 'postgres://app:s3cr3t-pw@db.internal:5432/app',
    LOG_LEVEL: 'debug',
    PROJECT_DIR: '/home/u/projects/some-long-project-name',
  };

  it('passes only the allowlisted variables (globs included) and withholds credentials', () => {
    const c = buildChildEnv(parent, DEFAULT_MCP_ENV_ALLOW, []);
    assert.deepEqual(Object.keys(c.env).sort(), ['HOME', 'LC_ALL', 'PATH']);
    assert.deepEqual(c.secrets, []);
  });

  it('passes --env names, reports the secret-looking values for known-secret matching, and names the missing ones', () => {
    const c = buildChildEnv(parent, ['PATH'], ['GITHUB_TOKEN', 'DATABASE_URL', 'LOG_LEVEL', 'PROJECT_DIR', 'NOT_SET']);
    assert.deepEqual(Object.keys(c.env).sort(), ['DATABASE_URL', 'GITHUB_TOKEN', 'LOG_LEVEL', 'PATH', 'PROJECT_DIR']);
    assert.deepEqual(c.secrets.map((s) => s.name).sort(), ['DATABASE_URL', 'GITHUB_TOKEN']);
    assert.deepEqual(c.missing, ['NOT_SET']);
  });
});
