// Signal detectors over one folded text of a tool (its description, a schema string, a decoded
// layer). Each returns hits with a level: 0 weak (low), 1 medium, 2 clear (high). Severity per
// tool, corroboration and locations are decided by the scanner (index.ts).
import { clip } from '../../core/index.ts';
import { re, regexSet, type RegexMatch, type SafeRegex } from '../../re/index.ts';
import * as P from './patterns.ts';

export type PoisonRule =
  | 'hidden-instructions'
  | 'file-exfiltration'
  | 'cross-tool-manipulation'
  | 'conceal-from-user'
  | 'exfiltration-parameter'
  | 'invisible-characters'
  | 'encoded-instructions';

export type Level = 0 | 1 | 2;

export interface Hit {
  readonly rule: PoisonRule;
  readonly level: Level;
  /** Weak on its own (a descriptive mention, an empty tag): reported only when another signal corroborates it. */
  readonly quiet?: boolean;
  /** The phrase that matched, clipped. */
  readonly evidence: string;
}

const rx = {
  tagStrong: re(P.TAG_STRONG),
  tagWeak: re(P.TAG_WEAK),
  imperative: re(P.IMPERATIVE),
  directive: re(P.DIRECTIVE),
  concealStrong: re(P.CONCEAL_STRONG),
  concealMedium: re(P.CONCEAL_MEDIUM),
  covert: re(P.COVERT),
  action: re(P.ACTION),
  sensitivePath: re(P.SENSITIVE_PATH),
  sensitiveProse: re(P.SENSITIVE_PROSE),
  sensitiveWeak: re(P.SENSITIVE_WEAK),
  read: re(P.READ),
  readImperative: re(`(?:^|[.!?:;>\\]]\\s*|\\b(?:first|then|and then|please|also|now|must|should|always|to|you)\\s+)(?:read|open|cat|load|fetch|retrieve|get|grab|collect|extract|copy|dump|upload|include|attach|send|pass|access)\\b`),
  passOn: re(P.PASS_ON),
  crossStrong: re(P.CROSS_STRONG),
  toolMust: re(P.TOOL_MUST),
  crossMedium: re(P.CROSS_MEDIUM),
  crossWeak: re(P.CROSS_WEAK),
  conversation: re(P.CONVERSATION_REQUEST),
  secret: re(P.SECRET_REQUEST),
  contentsOf: re('\\b(?:contents?|full text|text|body|copy) of\\b|\\bpaste\\b|\\bverbatim\\b|\\bentire\\b'),
};

/** Longest text slice examined around a match (keeps every window check bounded). */
const AROUND = 200;
/** Matches examined per pattern per text; reaching it is reported (the rest was not examined). */
export const MAX_MATCHES = 256;

const show = (m: RegexMatch): string => clip(m.text.trim(), 60);

function near(text: string, m: RegexMatch, r: SafeRegex, before = AROUND, after = AROUND): boolean {
  return r.test(text.slice(Math.max(0, m.index - before), Math.min(text.length, m.end + after)));
}

/** Where a tag-shaped wrapper's content ends: its closing marker, or 600 characters on. */
function contentAfter(text: string, m: RegexMatch): string {
  const slice = text.slice(m.end, m.end + 600);
  const opener = m.text.trimStart();
  const close = opener.startsWith('<!--') ? slice.indexOf('-->') : opener.startsWith('{{') ? slice.indexOf('}}') : opener.startsWith('[[') ? slice.indexOf(']]') : slice.indexOf('</');
  return close >= 0 ? slice.slice(0, close) : slice;
}

/** A clear directive: addressed to the model, about ordering, overriding, concealing, shadowing or passing data on. */
function isDirective(text: string): boolean {
  return rx.directive.test(text) || rx.concealStrong.test(text) || rx.crossStrong.test(text) || rx.passOn.test(text);
}

/** Per-call bookkeeping: whether a match list reached MAX_MATCHES. */
interface Tally {
  capped: boolean;
}
function all(r: SafeRegex, text: string, t: Tally): RegexMatch[] {
  const list = r.all(text, MAX_MATCHES);
  if (list.length >= MAX_MATCHES) t.capped = true;
  return list;
}

function hiddenTags(text: string, out: Hit[], t: Tally): void {
  for (const m of all(rx.tagStrong, text, t)) {
    if (m.text.includes('/') && m.text.indexOf('/') < 3) continue; // a closing tag: its opener was counted
    const content = contentAfter(text, m);
    const instructs = rx.imperative.test(content);
    out.push({ rule: 'hidden-instructions', level: instructs ? 2 : 0, quiet: !instructs, evidence: clip(`${m.text} ${content.trim()}`, 60) });
  }
  for (const m of all(rx.tagWeak, text, t)) {
    const content = contentAfter(text, m);
    if (isDirective(content)) out.push({ rule: 'hidden-instructions', level: 2, evidence: clip(`${m.text} ${content.trim()}`, 60) });
  }
}

function conceal(text: string, out: Hit[], t: Tally): void {
  const strong = rx.concealStrong.first(text);
  if (strong) out.push({ rule: 'conceal-from-user', level: 2, evidence: show(strong) });
  const medium = rx.concealMedium.first(text);
  if (medium && !strong) out.push({ rule: 'conceal-from-user', level: 1, evidence: show(medium) });
  if (strong || medium) return;
  for (const m of all(rx.covert, text, t)) {
    if (!near(text, m, rx.action, 40, 60)) continue;
    out.push({ rule: 'conceal-from-user', level: 1, evidence: show(m) });
    return;
  }
}

function fileExfiltration(text: string, out: Hit[], t: Tally): void {
  const sensitive = [...all(rx.sensitivePath, text, t), ...all(rx.sensitiveProse, text, t)];
  let best: Hit | null = null;
  for (const m of sensitive) {
    if (!near(text, m, rx.read)) continue;
    const passes = near(text, m, rx.passOn, AROUND, 300);
    const imperative = near(text, m, rx.readImperative, 120, 40);
    const level: Level = passes ? 2 : imperative ? 1 : 0;
    if (!best || level > best.level) best = { rule: 'file-exfiltration', level, quiet: level === 0, evidence: clip(text.slice(Math.max(0, m.index - 30), m.end + 30).trim(), 60) };
  }
  if (!best) {
    for (const m of rx.sensitiveWeak.all(text, 4)) {
      if (near(text, m, rx.read) && near(text, m, rx.passOn, AROUND, 300)) {
        best = { rule: 'file-exfiltration', level: 1, evidence: show(m) };
        break;
      }
    }
  }
  if (best) out.push(best);
}

/** Tool names compared loosely: lower case, anything but letters and digits as `_`. */
export function toolKey(name: string): string {
  let out = '';
  const lower = name.slice(0, 128).toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charAt(i);
    const word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (word) out += c;
    else if (out !== '' && !out.endsWith('_')) out += '_';
  }
  return out.endsWith('_') ? out.slice(0, -1) : out;
}

function crossTool(text: string, tool: string, out: Hit[], t: Tally): void {
  const strong = rx.crossStrong.first(text);
  if (strong) {
    out.push({ rule: 'cross-tool-manipulation', level: 2, evidence: show(strong) });
    return;
  }
  const own = toolKey(tool);
  for (const m of all(rx.toolMust, text, t)) {
    const named = toolKey(m.groups[0] ?? '');
    if (named === '' || named === own || named === 'this' || named === 'the' || named === 'same') continue;
    out.push({ rule: 'cross-tool-manipulation', level: 2, evidence: show(m) });
    return;
  }
  const medium = rx.crossMedium.first(text);
  if (medium) {
    out.push({ rule: 'cross-tool-manipulation', level: 1, evidence: show(medium) });
    return;
  }
  const weak = rx.crossWeak.first(text);
  if (weak) out.push({ rule: 'cross-tool-manipulation', level: 0, evidence: show(weak) });
}

/**
 * The patterns each detector starts from, in one RE2 set: one pass tells which detectors can
 * find anything (most tool texts match none). Null under re2js, which has no sets: then every
 * detector runs.
 */
const ANCHORS = [
  [P.TAG_STRONG, P.TAG_WEAK],
  [P.CONCEAL_STRONG, P.CONCEAL_MEDIUM, P.COVERT],
  [P.SENSITIVE_PATH, P.SENSITIVE_PROSE, P.SENSITIVE_WEAK],
  [P.CROSS_STRONG, P.TOOL_MUST, P.CROSS_MEDIUM, P.CROSS_WEAK],
] as const;
const ANCHOR_OWNER = ANCHORS.flatMap((list, owner) => list.map(() => owner));
let anchorSet: ReturnType<typeof regexSet> | undefined;

/** Shortest text worth reading for phrases (schema leaves like `string` or `a` are skipped). */
const MIN_PHRASE_CHARS = 12;

/** Every phrase signal in one folded text of a tool; `capped` when a match list reached its bound. */
export function detectText(text: string, tool: string): { hits: Hit[]; capped: boolean } {
  const out: Hit[] = [];
  const t: Tally = { capped: false };
  if (text.length < MIN_PHRASE_CHARS) return { hits: out, capped: false };
  if (anchorSet === undefined) anchorSet = regexSet(ANCHORS.flat());
  const owners = anchorSet ? new Set(anchorSet.match(text).map((i) => ANCHOR_OWNER[i])) : null;
  if (!owners || owners.has(0)) hiddenTags(text, out, t);
  if (!owners || owners.has(1)) conceal(text, out, t);
  if (!owners || owners.has(2)) fileExfiltration(text, out, t);
  if (!owners || owners.has(3)) crossTool(text, tool, out, t);
  return { hits: out, capped: t.capped };
}

/** A decoded layer (base64, hex …) of a tool field that reads as an instruction. */
export function encodedInstruction(text: string): Hit | null {
  const d = rx.directive.first(text) ?? rx.concealStrong.first(text) ?? rx.passOn.first(text);
  if (d) return { rule: 'encoded-instructions', level: 2, evidence: show(d) };
  const verbs = new Set(rx.imperative.all(text, 32).map((m) => m.text.trim()));
  return verbs.size >= 3 ? { rule: 'encoded-instructions', level: 1, evidence: clip(text.trim(), 60) } : null;
}

/**
 * A parameter's own texts (description, title, default, examples …): does it ask for secrets,
 * files or the conversation? `exfilName`: the parameter's name is a free-text side channel.
 */
export function parameterRequest(text: string, exfilName: boolean): Hit | null {
  const path = rx.sensitivePath.first(text) ?? rx.sensitiveProse.first(text);
  if (path) {
    const asks = near(text, path, rx.contentsOf, 80, 20) || near(text, path, rx.read, 80, 40);
    const level: Level = asks ? 2 : exfilName ? 1 : 0;
    return { rule: 'exfiltration-parameter', level, evidence: show(path) };
  }
  const conv = rx.conversation.first(text);
  if (conv) return { rule: 'exfiltration-parameter', level: exfilName ? 2 : 1, evidence: show(conv) };
  const secret = rx.secret.first(text);
  if (secret) return { rule: 'exfiltration-parameter', level: exfilName ? 2 : 1, evidence: show(secret) };
  return null;
}

export const EXFIL_PARAM_NAME = re(P.EXFIL_PARAM_NAME);
