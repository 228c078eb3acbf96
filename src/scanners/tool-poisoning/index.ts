// tool-poisoning: inspects a tools/list (every tool's name, title, description and schemas, as
// the engine's segments) for instructions aimed at the model rather than the user: hidden-tag
// blocks, file-exfiltration directives, cross-tool shadowing, concealment, exfiltration-shaped
// parameters, invisible characters and encoded instructions. Matching runs on the engine's
// folded (and leet) views and decoded layers, so homoglyphs, zero-width splits and base64 are
// undone. Pure: no I/O, no clock, no state; every regex through re().
import type { Finding, Severity } from '../../core/index.ts';
import { SEVERITY_RANK } from '../../core/index.ts';
import type { ScanContext, ScanView, Scanner, Segment } from '../types.ts';
import { FindingSink } from '../common.ts';
import { detectText, effectivePurpose, encodedInstruction, EXFIL_PARAM_NAME, parameterRequest, secretParameterName, type Hit, type Level, type PoisonRule } from './detect.ts';
import { suspiciousInvisible } from './invisible.ts';

export interface ToolPoisoningOptions {
  /** Rule ids (`tool-poisoning/<rule>`) that never fire. */
  readonly disabledRules: readonly string[];
  readonly maxFindings: number;
}

export const DEFAULT_TOOL_POISONING_OPTIONS: ToolPoisoningOptions = { disabledRules: [], maxFindings: 100 };

interface RuleInfo {
  readonly mitre: string;
  readonly title: string;
  readonly what: string;
}

/** Every rule this scanner reports, for the catalog and the config. */
export const TOOL_POISONING_RULES: Readonly<Record<PoisonRule, RuleInfo>> = {
  'hidden-instructions': { mitre: 'T1564', title: 'instructions hidden in a tag-shaped wrapper (<IMPORTANT>, [SYSTEM], <!-- -->, {{…}})', what: 'hides instructions for the model in a tag-shaped wrapper' },
  'file-exfiltration': { mitre: 'T1552.001', title: 'a directive to read a sensitive file or secret (SSH keys, cloud credentials, .env, MCP config) and pass it on or send it somewhere', what: 'directs the model to read a sensitive file or secret and pass it on' },
  'cross-tool-manipulation': { mitre: 'T1036', title: 'tries to change how other tools behave (tool shadowing) or where the user sends money', what: 'tries to change how other tools behave (tool shadowing) or where the user sends money' },
  'conceal-from-user': { mitre: 'T1564', title: 'tells the model to hide actions from the user', what: 'tells the model to hide what it does from the user' },
  'exfiltration-parameter': { mitre: 'T1041', title: 'a parameter whose name or description asks for files, secrets, the conversation or the system prompt, or a directive to pass the conversation or system prompt on', what: 'asks for files, secrets, the conversation or the system prompt through its parameters' },
  'invisible-characters': { mitre: 'T1027', title: 'zero-width, bidi or tag characters in a tool field', what: 'contains invisible characters that hide text from a reviewer' },
  'encoded-instructions': { mitre: 'T1027', title: 'an encoded (base64, hex …) instruction in a tool field', what: 'carries an encoded instruction' },
};

const LEVEL_SEVERITY: readonly Severity[] = ['low', 'medium', 'high'];
const TOOL_PARTS = new Set(['tool-name', 'tool-description', 'tool-schema']);
/** Decodings that hide text on purpose; URL, entity and JSON escapes are everyday spelling. */
const HIDING_CHAINS = new Set(['base64', 'base64url', 'hex', 'base32', 'unicode-tags', 'rot13', 'reversed']);

interface Located {
  readonly hit: Hit;
  readonly location: string;
  /** Found only after decoding. */
  readonly decoded: boolean;
}

interface ToolAcc {
  readonly hits: Located[];
  /** Parameter path → its name, declared type and texts. */
  readonly params: Map<string, { name: string; type: string; texts: string[]; location: string }>;
  /** The tool's name, title and the start of its description (folded): what the tool is for. */
  purpose: string;
  /** The start of its description alone (folded). */
  described: string;
}

/** What the purpose checks read for a tool (see effectivePurpose). */
const purposeOf = (acc: ToolAcc): string => effectivePurpose(acc.purpose, acc.described);

/** How much of a tool's name, title and description is read as its purpose. */
const PURPOSE_CHARS = 300;
/** Declared types that cannot carry a file, a key or a conversation. */
const SCALAR_TYPES = new Set(['number', 'integer', 'boolean', 'null']);

/** `tools.<label>.…` → label (the extractor's safe label, never containing a dot). */
function toolLabel(location: string): string {
  const rest = location.slice('tools.'.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? rest : rest.slice(0, dot);
}

const PROPS = '.properties';

/** For a schema location under `properties`, the parameter's path and what follows it. */
function parameterOf(location: string): { path: string; field: string } | null {
  const at = location.lastIndexOf(PROPS);
  if (at < 0) return null;
  const after = location.slice(at + PROPS.length);
  let stepEnd: number;
  if (after.startsWith('.')) {
    stepEnd = 1;
    while (stepEnd < after.length && after.charAt(stepEnd) !== '.' && after.charAt(stepEnd) !== '[') stepEnd++;
    if (after.slice(1, stepEnd) === '<key>') return null;
  } else if (after.startsWith('["')) {
    stepEnd = 2;
    while (stepEnd < after.length && after.charAt(stepEnd) !== '"') stepEnd += after.charAt(stepEnd) === '\\' ? 2 : 1;
    stepEnd += 2;
  } else return null;
  return { path: location.slice(0, at + PROPS.length + stepEnd), field: after.slice(stepEnd) };
}

function bump(level: Level, by: number): Level {
  return Math.min(2, level + by) as Level;
}

export function createToolPoisoningScanner(partial: Partial<ToolPoisoningOptions> = {}): Scanner {
  const o: ToolPoisoningOptions = { ...DEFAULT_TOOL_POISONING_OPTIONS, ...partial };
  const disabled = new Set(o.disabledRules);

  return {
    id: 'tool-poisoning',
    scan(view: ScanView, _ctx: ScanContext): readonly Finding[] {
      if (view.input.kind !== 'tools') return [];
      const tools = new Map<string, ToolAcc>();
      const incomplete: string[] = [];
      const accOf = (label: string): ToolAcc => {
        let acc = tools.get(label);
        if (!acc) {
          acc = { hits: [], params: new Map(), purpose: '', described: '' };
          tools.set(label, acc);
        }
        return acc;
      };
      for (const seg of view.segments) {
        if (!TOOL_PARTS.has(seg.part) || !seg.location.startsWith('tools.')) continue;
        const label = toolLabel(seg.location);
        const acc = accOf(label);
        scanSegment(seg, label, acc, incomplete);
      }
      const candidates: { f: Finding; key: string }[] = [];
      const push = (f: Finding, key: string): void => {
        candidates.push({ f, key });
      };
      for (const [label, acc] of tools) {
        for (const p of acc.params.values()) {
          // A number or a switch cannot carry a file, a key or a conversation.
          if (SCALAR_TYPES.has(p.type)) continue;
          const named = secretParameterName(p.name, purposeOf(acc));
          if (named) acc.hits.push({ hit: named, location: p.location, decoded: false });
          const hit = parameterRequest(p.texts.join(' . '), EXFIL_PARAM_NAME.test(p.name.toLowerCase()) || (named !== null && !named.quiet), purposeOf(acc));
          if (hit) acc.hits.push({ hit: { ...hit, evidence: `${p.name.slice(0, 40)}: ${hit.evidence}` }, location: p.location, decoded: false });
        }
        const rules = new Set(acc.hits.map((h) => h.hit.rule));
        // Two different kinds of signal in one tool corroborate each other, when at least one of
        // them is more than a quiet mention (two mentions are still only mentions).
        const corroborated = rules.size >= 2 && acc.hits.some((h) => !h.hit.quiet) ? 1 : 0;
        // Strongest first, so a repeat at the same place keeps the higher level.
        const ordered = [...acc.hits].sort((a, b) => b.hit.level - a.hit.level);
        for (const { hit, location, decoded } of ordered) {
          if (disabled.has(`tool-poisoning/${hit.rule}`)) continue;
          if (hit.quiet && corroborated === 0 && !decoded) continue;
          const level = bump(decoded ? (Math.max(1, hit.level) as Level) : hit.level, corroborated + (decoded ? 1 : 0));
          const info = TOOL_POISONING_RULES[hit.rule];
          const others = [...rules].filter((r) => r !== hit.rule);
          push(
            {
              scanner: 'tool-poisoning',
              rule: `tool-poisoning/${hit.rule}`,
              severity: LEVEL_SEVERITY[level] as Severity,
              category: 'tool-poisoning',
              mitre: info.mitre,
              location,
              evidence: hit.evidence,
              message: `Tool ${label} ${info.what}${decoded ? ' (found after decoding)' : ''}${others.length > 0 ? `, together with ${others.join(', ')}` : ''}.`,
            },
            `${hit.rule}|${location}`,
          );
        }
      }
      for (const location of incomplete.slice(0, 4)) {
        push(
          {
            scanner: 'tool-poisoning',
            rule: 'tool-poisoning/scan-incomplete',
            severity: 'high',
            category: 'limits',
            mitre: 'T1027',
            location,
            evidence: '',
            message: 'A tool field has more candidate phrases than the scanner examines; the rest was not inspected, so it is blocked.',
          },
          `incomplete|${location}`,
        );
      }
      // Most severe first, so the cap can only leave out the least severe; leaving out a medium or
      // worse one would hide something that acts, so that fails closed.
      const sink = new FindingSink(o.maxFindings);
      let overflow = false;
      for (const { f, key } of candidates.sort((a, b) => SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity])) {
        if (sink.full && !sink.has(key) && SEVERITY_RANK[f.severity] >= SEVERITY_RANK.medium) overflow = true;
        sink.push(f, key);
      }
      if (!overflow) return sink.findings;
      return [...sink.findings, { scanner: 'tool-poisoning', rule: 'tool-poisoning/scan-incomplete', severity: 'high', category: 'limits', mitre: 'T1027', location: 'tools', evidence: '', message: `The tool list produced more than ${o.maxFindings} findings; the rest were not reported, so it is blocked.` }];
    },
  };
}

/** A text up to its first sentence end (a `.`, `!` or `?` before a space, or a line break). */
function firstSentence(text: string): string {
  const stop = Math.min(text.length, PURPOSE_CHARS);
  for (let i = 0; i < stop; i++) {
    const c = text.charAt(i);
    if (c === '\n' || ((c === '.' || c === '!' || c === '?') && (i + 1 >= text.length || text.charAt(i + 1) === ' '))) return text.slice(0, i);
  }
  return text.slice(0, stop);
}

/** A tool field a person reviewing the tool reads: its name, title, description, a schema description or title, a parameter name. */
function readByPeople(seg: Segment): boolean {
  if (seg.part === 'tool-name' || seg.part === 'tool-description') return true;
  return seg.location.endsWith('.description') || seg.location.endsWith('.title') || seg.location.endsWith('.<key>');
}

function scanSegment(seg: Segment, label: string, acc: ToolAcc, incomplete: string[]): void {
  const prepared = seg.prepared;
  // clean is raw itself (the same string) unless something was removed or NFKC changed it.
  if (prepared.clean !== prepared.raw) {
    const c = suspiciousInvisible(prepared.raw);
    if (c.total > 0) {
      const parts = [c.zeroWidth && `${c.zeroWidth} zero-width`, c.bidi && `${c.bidi} bidi`, c.tags && `${c.tags} tag`, c.variationSelectors && `${c.variationSelectors} variation-selector`].filter(Boolean);
      // Tag characters anywhere, and zero-width or bidi controls in what a person reads (a name, a
      // description, a title, a parameter name), hide text from the reviewer and nothing else:
      // high. Emoji joiners, joiners inside Arabic or Indic words and direction marks beside
      // right-to-left text are not counted (invisible.ts); soft hyphens and variation selectors,
      // and controls in other schema values (a default, an example), stay medium.
      const hiding = c.zeroWidth - c.softHyphens + c.bidi;
      const level: Level = c.tags > 0 || (hiding > 0 && readByPeople(seg)) ? 2 : 1;
      acc.hits.push({ hit: { rule: 'invisible-characters', level, evidence: `${parts.join(', ')} character${c.total === 1 ? '' : 's'}` }, location: seg.location, decoded: false });
    }
  }
  if ((seg.part === 'tool-name' || seg.part === 'tool-description') && acc.purpose.length < PURPOSE_CHARS) {
    // A name is read with its separators as spaces (`ssh_exec` → `ssh exec`).
    // Only the first sentence of a description: what follows is where a poisoned tool writes
    // its orders, and an order must not explain itself.
    const text = seg.part === 'tool-name' ? prepared.folded.replaceAll('_', ' ').replaceAll('-', ' ').replaceAll('.', ' ') : firstSentence(prepared.folded);
    acc.purpose = `${acc.purpose} ${text.slice(0, PURPOSE_CHARS)} .`.slice(0, PURPOSE_CHARS + 4);
    if (seg.part === 'tool-description' && acc.described.length < PURPOSE_CHARS) acc.described = `${acc.described} ${text.slice(0, PURPOSE_CHARS)} .`.slice(0, PURPOSE_CHARS + 4);
  }
  const param = parameterOf(seg.location);
  if (param) {
    const entry = acc.params.get(param.path) ?? { name: '', type: '', texts: [], location: `${param.path}.description` };
    if (param.field === '.<key>') entry.name = prepared.clean;
    else if (param.field === '.type') entry.type = prepared.folded.trim();
    else if (!param.field.endsWith('.<key>') && entry.texts.length < 16) {
      entry.texts.push(prepared.folded);
      if (param.field === '.description') entry.location = seg.location;
    }
    acc.params.set(param.path, entry);
  }
  const views = [prepared.folded];
  if (prepared.leet !== prepared.folded) views.push(prepared.leet);
  for (const text of views) {
    const r = detectText(text, label, purposeOf(acc));
    if (r.capped) incomplete.push(seg.location);
    for (const hit of r.hits) acc.hits.push({ hit, location: seg.location, decoded: false });
  }
  for (const layer of prepared.layers) {
    if (!layer.chain.some((c) => HIDING_CHAINS.has(c))) continue;
    const location = `${seg.location}|${layer.chain.join('|')}`;
    const r = detectText(layer.folded, label, purposeOf(acc));
    if (r.capped) incomplete.push(location);
    for (const hit of r.hits) acc.hits.push({ hit, location, decoded: true });
    const encoded = encodedInstruction(layer.folded);
    if (encoded) acc.hits.push({ hit: encoded, location, decoded: false });
  }
}
