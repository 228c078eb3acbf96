// Benign hard negatives from ../shared/corpora/invariantlabs-ai-mcp-scan (read in place, never
// copied): the MCP server tool signatures, and the agent skills offered as tool descriptions.
// Nothing at or above medium may fire, from this scanner or from the whole engine at the
// balanced preset. The one malicious skill is reported, not asserted (it is a download-and-run
// lure for the injection scanner, not a tool-poisoning pattern). Skips when the corpora are absent.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CORPORA, skills, toolSignatures } from '../../../eval/corpora.ts';
import { parseConfig } from '../../config/index.ts';
import type { Finding, ToolDefinition, Verdict } from '../../core/index.ts';
import { SEVERITY_RANK } from '../../core/index.ts';
import { createEngine } from '../../engine/index.ts';
import { DEFAULT_EXTRACT_LIMITS, extract } from '../../extract/index.ts';
import { DEFAULT_NORMALIZE_LIMITS } from '../../normalize/index.ts';
import { createToolPoisoningScanner } from './index.ts';

const DIR = join(CORPORA, 'invariantlabs-ai-mcp-scan');
const PRESENT = existsSync(join(DIR, 'tests/mcp_servers/signatures')) && existsSync(join(DIR, 'tests/skills'));
const scanner = createToolPoisoningScanner();
const engine = createEngine(parseConfig('preset: balanced\n').config);
const mediumUp = (fs: readonly Finding[]): Finding[] => fs.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.medium);
const scanTools = (tools: readonly ToolDefinition[]): readonly Finding[] => scanner.scan(extract({ kind: 'tools', tools }, DEFAULT_EXTRACT_LIMITS, DEFAULT_NORMALIZE_LIMITS).view, { now: 0 });
const asTool = (name: string, text: string): ToolDefinition => ({ name, description: text, inputSchema: { type: 'object', properties: { input: { type: 'string', description: `Input for ${name}` } } } });
const rows: string[] = [];

describe('tool-poisoning on mcp-scan benign hard negatives (balanced)', { skip: PRESENT ? false : `corpus not found at ${DIR}` }, () => {
  after(() => {
    if (rows.length > 0) process.stdout.write(`${rows.map((r) => `mcp-scan corpus: ${r}`).join('\n')}\n`);
  });

  it('raises nothing at or above medium on the MCP server tool signatures', () => {
    const sigs = toolSignatures();
    let tools = 0;
    const findings: Finding[] = [];
    const verdicts: Verdict[] = [];
    for (const sig of sigs) {
      const list = sig.tools as unknown as ToolDefinition[];
      tools += list.length;
      findings.push(...scanTools(list));
      verdicts.push(engine.scan({ kind: 'tools', tools: list }));
    }
    rows.push(`signatures: ${sigs.length} servers, ${tools} tools, scanner findings ${findings.length} (medium+ ${mediumUp(findings).length}), engine actions ${verdicts.map((v) => v.action).join(',')}`);
    assert.ok(tools > 0, 'the signature files hold tools');
    assert.deepEqual(mediumUp(findings), []);
    assert.deepEqual(verdicts.flatMap((v) => mediumUp(v.findings)), []);
  });

  it('raises nothing at or above medium on the benign agent skills offered as tool descriptions', () => {
    const benign = skills().filter((s) => !s.malicious);
    const findings: Finding[] = [];
    const engineFindings: Finding[] = [];
    for (const s of benign) {
      findings.push(...scanTools([asTool(s.name, s.text)]));
      engineFindings.push(...engine.scan({ kind: 'tools', tools: [asTool(s.name, s.text)] }).findings);
    }
    rows.push(`benign skills: ${benign.length}, scanner findings ${findings.length} (medium+ ${mediumUp(findings).length}), engine medium+ ${mediumUp(engineFindings).length}`);
    assert.ok(benign.length >= 10, `${benign.length} skills`);
    assert.deepEqual(mediumUp(findings), []);
    assert.deepEqual(mediumUp(engineFindings), []);
  });

  it('still lets the engine block the malicious skill (reported for this scanner, asserted for the engine)', () => {
    const bad = skills().filter((s) => s.malicious);
    for (const s of bad) {
      const own = scanTools([asTool(s.name, s.text)]);
      const v = engine.scan({ kind: 'tools', tools: [asTool(s.name, s.text)] });
      rows.push(`malicious skill ${s.name}: scanner ${own.map((f) => `${f.rule}:${f.severity}`).join(', ') || 'nothing'}; engine ${v.action}`);
      assert.equal(v.action, 'block');
    }
  });
});
