import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../src/config/index.ts';
import { collectKnownSecrets } from '../src/main.ts';

const VALUE = 'Zq8vT3kLmN2pR7wXc5Yb1Hs6Fd0Ue4Ga';

test('the default env patterns take credential variables and leave configuration variables alone', () => {
  const credentials = ['OPENAI_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SESSION_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN', 'STRIPE_SECRET_KEY', 'DB_PASSWORD', 'SIGNING_PRIVATE_KEY', 'MINIO_ACCESS_KEY'];
  // Not secrets, and they show up in ordinary requests (a commit SHA in a CI download URL, an endpoint URL).
  const configuration = ['AWS_CA_BUNDLE', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_PROFILE', 'GITHUB_SHA', 'GITHUB_WORKSPACE', 'GITHUB_REPOSITORY', 'PATH', 'HOME'];
  const env = Object.fromEntries([...credentials, ...configuration].map((n) => [n, VALUE]));
  const taken = collectKnownSecrets(defaultConfig().config, env).map((s) => s.name).sort();
  assert.deepEqual(taken, [...credentials].sort());
});
