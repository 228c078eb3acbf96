import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { configChecks } from '../main.ts';
import { ConfigError, configJsonSchema, defaultConfig, parseConfig, PRESET_NAMES, presetSummary, TollgateConfig } from './index.ts';

function issues(text: string, checked = false): string[] {
  try {
    parseConfig(text, 't.yaml', checked ? { checks: configChecks() } : {});
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues.map((i) => `${i.line}:${i.column} ${i.key}: ${i.message}`);
  }
  assert.fail('expected the config to be rejected');
}

describe('config', () => {
  it('ships at least the seven named presets, each valid and documented', () => {
    for (const name of ['balanced', 'strict', 'audit', 'claude-code', 'cursor', 'generic-agent', 'hostile-model']) {
      assert.ok(PRESET_NAMES.includes(name), name);
      const loaded = parseConfig(`preset: ${name}\n`);
      assert.equal(loaded.config.preset, name);
      assert.match(presetSummary(name), new RegExp(`^${name}[ :]`), `${name} summary names it`);
      assert.doesNotMatch(presetSummary(name), /Tollgate config, version|Every key is optional|Validate with/, `${name} summary is the preset's own paragraph`);
    }
  });

  it('gives every preset a distinct policy', () => {
    const hashes = PRESET_NAMES.map((n) => parseConfig(`preset: ${n}\n`).hash);
    assert.equal(new Set(hashes).size, hashes.length);
  });

  it('embeds balanced as the default', () => {
    const d = defaultConfig().config;
    assert.equal(d.preset, 'balanced');
    assert.equal(d.mode, 'enforce');
    assert.equal(d.severityActions.high, 'block');
  });

  it('starts a file without `preset:` from balanced, so it is never weaker than the default', () => {
    const balanced = parseConfig('preset: balanced\n');
    for (const text of ['', '# nothing\n', '{}', 'mode: enforce\n', 'rules: {}\n', 'version: 1\n']) {
      const loaded = parseConfig(text);
      assert.deepEqual(loaded.config, balanced.config, JSON.stringify(text));
      assert.equal(loaded.hash, balanced.hash, JSON.stringify(text));
    }
    const partial = parseConfig('mode: audit\nrules:\n  dlp/jwt: warn\n').config;
    assert.equal(partial.preset, 'balanced');
    assert.equal(partial.scanners.injection.severityActions?.medium, 'block');
    assert.equal(partial.rules['dlp/jwt'], 'warn');
  });

  it("keeps the schema's own defaults equal to balanced (the documented default)", () => {
    const { preset: _preset, ...balanced } = parseConfig('preset: balanced\n').config;
    assert.deepEqual(TollgateConfig.parse({}), balanced);
  });

  it('lets a file start from a preset and override single keys', () => {
    const c = parseConfig('preset: strict\nmode: audit\nscanners:\n  entropy:\n    pathThreshold: 5\n').config;
    assert.equal(c.mode, 'audit');
    assert.equal(c.scanners.entropy.pathThreshold, 5);
    assert.equal(c.scanners.entropy.queryThreshold, 4.0);
    assert.equal(c.severityActions.medium, 'block');
  });

  it('rejects unknown keys naming the key and its line:column', () => {
    assert.deepEqual(issues('mode: enforce\nscanners:\n  dlp:\n    enabeld: true\n'), ['4:5 scanners.dlp.enabeld: unknown key "enabeld"']);
  });

  it('rejects wrong types and values at their line:column', () => {
    assert.deepEqual(issues('mode: block\n'), ['1:1 mode: Invalid option: expected one of "enforce"|"audit"']);
    assert.deepEqual(issues('limits:\n  maxJsonDepth: -3\n'), ['2:3 limits.maxJsonDepth: Too small: expected number to be >0']);
    assert.deepEqual(issues('rules:\n  "not a rule": block\n'), ['2:3 rules.not a rule: rule ids look like scanner/rule-name']);
  });

  it('rejects duplicate keys, YAML syntax errors and unknown presets', () => {
    assert.match(issues('mode: enforce\nmode: audit\n')[0] ?? '', /^2:1 : Map keys must be unique/);
    assert.match(issues('mode: [enforce\n')[0] ?? '', /^\d+:\d+ /);
    assert.deepEqual(issues('preset: nope\n'), ['1:1 preset: unknown preset "nope"']);
  });

  it('accepts every shipped preset under the rule-id and CIDR checks', () => {
    for (const name of PRESET_NAMES) assert.doesNotThrow(() => parseConfig(`preset: ${name}\n`, name, { checks: configChecks() }), name);
    const ok = 'rules: {dlp/jwt: warn, tool-policy/my-rule: block}\nscanners:\n  dlp:\n    disabledRules: [dlp/github-pat]\n    destinations: {dlp/openai-api-key: [x.example]}\n  ssrf:\n    allowCidrs: [10.0.0.0/8, 127.0.0.1, "fd00::/8"]\n  toolPolicy:\n    rules:\n      - id: my-rule\n        description: d\n        severity: high\n        mitre: T1059\n        paths: [secret]\n';
    assert.doesNotThrow(() => parseConfig(ok, 't.yaml', { checks: configChecks() }));
  });

  it('rejects unknown rule ids in rules, disabledRules and destinations at their line:column, suggesting the nearest', () => {
    assert.deepEqual(issues('rules: {dlp/jwtt: warn}\n', true), ['1:9 rules.dlp/jwtt: unknown rule id "dlp/jwtt" (did you mean "dlp/jwt"?); `tollgate rules` lists them']);
    assert.deepEqual(issues('scanners:\n  dlp:\n    disabledRules: [dlp/jwt, dlp/nonexistent]\n    destinations:\n      dlp/nosuch: [a.example]\n  injection:\n    disabledRules:\n      - injection/nope\n', true), [
      '3:30 scanners.dlp.disabledRules.1: unknown rule id "dlp/nonexistent"; `tollgate rules` lists them',
      '5:7 scanners.dlp.destinations.dlp/nosuch: unknown rule id "dlp/nosuch"; `tollgate rules` lists them',
      '8:9 scanners.injection.disabledRules.0: unknown rule id "injection/nope"; `tollgate rules` lists them',
    ]);
  });

  it('rejects ssrf allowCidrs entries the SSRF scanner cannot read', () => {
    assert.deepEqual(issues('scanners:\n  ssrf:\n    allowCidrs: [10.0.0.0/33, foo, 10.0.0.0/8x, "::1/129"]\n', true), [
      '3:18 scanners.ssrf.allowCidrs.0: "10.0.0.0/33" is not an IP address or CIDR range (10.0.0.0/8, fd00::/8, 127.0.0.1)',
      '3:31 scanners.ssrf.allowCidrs.1: "foo" is not an IP address or CIDR range (10.0.0.0/8, fd00::/8, 127.0.0.1)',
      '3:36 scanners.ssrf.allowCidrs.2: "10.0.0.0/8x" is not an IP address or CIDR range (10.0.0.0/8, fd00::/8, 127.0.0.1)',
      '3:49 scanners.ssrf.allowCidrs.3: "::1/129" is not an IP address or CIDR range (10.0.0.0/8, fd00::/8, 127.0.0.1)',
    ]);
  });

  it('rejects wallet allowlist entries the crypto scanner cannot read (their look-alikes would not be caught)', () => {
    const good = '0x52908400098527886E0F7030069857D2E4169EE7';
    const found = issues(`scanners:\n  crypto:\n    allowlistedAddresses: ["${good}", "0x12345", hello]\n`, true);
    assert.equal(found.length, 2, found.join('\n'));
    assert.ok(found[0]?.includes('scanners.crypto.allowlistedAddresses.1: "0x12345" is not a wallet address'), found[0]);
    assert.ok(found[1]?.includes('scanners.crypto.allowlistedAddresses.2: "hello"'), found[1]);
  });

  it('rejects a knownSecrets.secretsFile that cannot be read, naming the key', () => {
    assert.deepEqual(issues('scanners:\n  knownSecrets:\n    secretsFile: /nonexistent/secrets.env\n'), [
      '3:5 scanners.knownSecrets.secretsFile: cannot read /nonexistent/secrets.env: no such file',
    ]);
  });

  it('keeps docs/config.schema.json in step with the zod schema (run `npm run schema` to refresh)', () => {
    const onDisk = JSON.parse(readFileSync(new URL('../../docs/config.schema.json', import.meta.url), 'utf8')) as unknown;
    assert.deepEqual(onDisk, configJsonSchema());
  });

  it('generates a JSON Schema that rejects unknown keys', () => {
    const schema = configJsonSchema() as { additionalProperties?: unknown; properties?: Record<string, unknown> };
    assert.equal(schema.additionalProperties, false);
    assert.ok(schema.properties?.scanners);
  });
});
