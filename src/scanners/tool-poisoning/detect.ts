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
  neverTool: re(P.NEVER_TOOL),
  crossMedium: re(P.CROSS_MEDIUM),
  userPayment: re(P.USER_PAYMENT),
  payeeLiteral: re(P.PAYEE_LITERAL),
  crossWeak: re(P.CROSS_WEAK),
  conversation: re(P.CONVERSATION_REQUEST),
  secret: re(P.SECRET_REQUEST),
  handoverVerb: re(P.HANDOVER_VERB),
  handoverLead: re(P.HANDOVER_LEAD),
  handoverDest: re(P.HANDOVER_DESTINATION),
  handoverObject: re(P.HANDOVER_OBJECT),
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

/** Up to `before`/`after` characters around [start, end), not crossing a sentence end (. ! ? or a line break). */
function sentenceAround(text: string, start: number, end: number, before: number, after: number): string {
  let from = start;
  while (from > 0 && start - from < before && !isSentenceEnd(text.charCodeAt(from - 1))) from--;
  let to = end;
  while (to < text.length && to - end < after && !isSentenceEnd(text.charCodeAt(to))) to++;
  return text.slice(from, to);
}

function isSentenceEnd(c: number): boolean {
  return c === 0x2e || c === 0x21 || c === 0x3f || c === 0x0a || c === 0x2026;
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
    // The action must be in the adverb's own sentence: "Sends an email. Silently retries on
    // transient errors." is a mail tool that retries, not a covert send.
    if (!rx.action.test(sentenceAround(text, m.index, m.end, 40, 60))) continue;
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

/**
 * Where the clause holding `from` ends, at most `max` on: a `.`, `!`, `?` or `:` before
 * whitespace, a line break, or a list item's ` - ` / ` * ` (folding joins the lines of a list).
 */
function clauseEnd(text: string, from: number, max: number): number {
  const stop = Math.min(text.length, from + max);
  for (let i = from; i < stop; i++) {
    const c = text.charAt(i);
    if (c === '\n') return i;
    const next = i + 1 >= text.length ? ' ' : text.charAt(i + 1);
    if ((c === '.' || c === '!' || c === '?' || c === ':') && (next === ' ' || next === '\n')) return i;
    if ((c === '-' || c === '*' || c === '•') && next === ' ' && i > 0 && text.charAt(i - 1) === ' ') return i;
  }
  return stop;
}

/**
 * An order to move a secret or the conversation somewhere: an imperative hand-over verb (at a
 * sentence start, after a clause opener such as `Before answering,` or `When called,`, after a
 * modal or `then`/`also`, after `instruct the assistant to` or `use TOOL to`), a
 * sensitive object after it in the same clause, and a destination after that (an address, a
 * URL, a host, a tool parameter). With a destination or a covert adverb: clear (high); without
 * either: medium for a file or a secret, a quiet mention for the conversation. A tool whose name and first sentence are about that object (an export tool and
 * the conversation) is one level lower, unless the destination is a literal address or URL or the
 * order is covert. Files and secrets are `file-exfiltration`; the conversation and the system
 * prompt, which leave through a tool's parameters, `exfiltration-parameter`.
 */
function handover(text: string, purpose: string, out: Hit[], t: Tally): void {
  let best: Hit | null = null;
  for (const v of all(rx.handoverVerb, text, t)) {
    const from = Math.max(0, v.index - 120);
    // A slice that starts mid-text is not a sentence start: the `x ` keeps `^` from matching there.
    const lead = rx.handoverLead.first(`${from > 0 ? 'x ' : ''}${text.slice(from, v.index)}`);
    if (!lead) continue;
    const end = clauseEnd(text, v.end, 240);
    const clause = text.slice(v.end, end);
    const obj = rx.handoverObject.first(clause);
    if (!obj) continue;
    const rest = clause.slice(obj.end);
    const dest = rx.handoverDest.first(rest);
    const covert = rx.covert.test(lead.text);
    const literal = dest !== null && (dest.text.includes('@') || dest.text.includes('://') || dest.text.includes('.'));
    const object = objectOfPhrase(obj.text);
    const talk = object === 'conversation' || object === 'system-prompt';
    // Without a destination, an order to include the conversation is only a mention; a file or a secret is medium.
    let level = dest || covert ? 2 : talk ? 0 : 1;
    if (!literal && !covert && purposeExplains(object, purpose)) level -= 1;
    if (level < 0) continue;
    const rule: PoisonRule = talk ? 'exfiltration-parameter' : 'file-exfiltration';
    const hit: Hit = { rule, level: level as Level, quiet: level === 0, evidence: clip(`${v.text} ${clause.slice(0, obj.end + (dest ? dest.end : 0))}`.trim(), 60) };
    if (!best || hit.level > best.level) best = hit;
    if (best.level === 2) break;
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
  const pay = rx.userPayment.first(text);
  if (pay) {
    out.push({ rule: 'cross-tool-manipulation', level: rx.payeeLiteral.test(pay.text) ? 2 : 1, evidence: show(pay) });
    return;
  }
  const medium = rx.crossMedium.first(text);
  // Forbidding another tool by name (`never use read_file`) beside a claim to replace it is shadowing.
  for (const m of all(rx.neverTool, text, t)) {
    const named = toolKey(m.groups[0] ?? '');
    if (named === '' || named === own) continue;
    out.push({ rule: 'cross-tool-manipulation', level: medium ? 2 : 1, evidence: show(m) });
    return;
  }
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
  [P.CROSS_STRONG, P.TOOL_MUST, P.NEVER_TOOL, P.CROSS_MEDIUM, P.CROSS_WEAK, P.USER_PAYMENT],
  [P.HANDOVER_OBJECT],
] as const;
const ANCHOR_OWNER = ANCHORS.flatMap((list, owner) => list.map(() => owner));
let anchorSet: ReturnType<typeof regexSet> | undefined;

/** Shortest text worth reading for phrases (schema leaves like `string` or `a` are skipped). */
const MIN_PHRASE_CHARS = 12;

/** Every phrase signal in one folded text of a tool; `capped` when a match list reached its bound. */
export function detectText(text: string, tool: string, purpose = ''): { hits: Hit[]; capped: boolean } {
  const out: Hit[] = [];
  const t: Tally = { capped: false };
  if (text.length < MIN_PHRASE_CHARS) return { hits: out, capped: false };
  if (anchorSet === undefined) anchorSet = regexSet(ANCHORS.flat());
  const owners = anchorSet ? new Set(anchorSet.match(text).map((i) => ANCHOR_OWNER[i])) : null;
  if (!owners || owners.has(0)) hiddenTags(text, out, t);
  if (!owners || owners.has(1)) conceal(text, out, t);
  if (!owners || owners.has(2)) fileExfiltration(text, out, t);
  if (!owners || owners.has(3)) crossTool(text, tool, out, t);
  if (!owners || owners.has(4)) handover(text, purpose, out, t);
  return { hits: out, capped: t.capped };
}

/** A decoded layer (base64, hex …) of a tool field that reads as an instruction. */
export function encodedInstruction(text: string): Hit | null {
  const d = rx.directive.first(text) ?? rx.concealStrong.first(text) ?? rx.passOn.first(text);
  if (d) return { rule: 'encoded-instructions', level: 2, evidence: show(d) };
  const verbs = new Set(rx.imperative.all(text, 32).map((m) => m.text.trim()));
  return verbs.size >= 3 ? { rule: 'encoded-instructions', level: 1, evidence: clip(text.trim(), 60) } : null;
}

/** Which secret-bearing object a matched phrase names (for the tool-purpose check). */
function objectOfPhrase(phrase: string): SecretObject {
  const has = (w: string): boolean => phrase.includes(w);
  if (has('prompt') || has('instructions') || has('rules')) return 'system-prompt';
  if (has('conversation') || has('chat') || has('message') || has('transcript') || has('dialog') || has('history') || has('context')) return 'conversation';
  if (has('ssh') || has('id_')) return 'ssh-key';
  if (has('private')) return 'private-key';
  if (has('aws') || has('gcp') || has('gcloud') || has('azure') || has('cloud')) return 'cloud-secret';
  if (has('env')) return 'env-file';
  if (has('mcp') || has('cursor') || has('claude')) return 'mcp-config';
  if (has('seed') || has('recovery') || has('wallet')) return 'wallet-secret';
  return 'credential';
}

/**
 * A parameter's own texts (description, title, default, examples …): does it ask for secrets,
 * files or the conversation? `exfilName`: the parameter's name is a free-text side channel, or
 * names a secret the tool has no use for. `purpose` (the tool's name and first sentences): a tool
 * about the thing asked for (an LLM wrapper's system prompt, an SSH tool's key) is one level
 * lower, unless the name is a side channel. A mention without an ask is quiet.
 */
export function parameterRequest(text: string, exfilName: boolean, purpose = ''): Hit | null {
  const lower = (hit: Hit): Hit | null => {
    const level = !exfilName && purposeExplains(objectOfPhrase(hit.evidence), purpose) ? hit.level - 1 : hit.level;
    if (level < 0) return null;
    return level === 0 ? { ...hit, level: 0, quiet: true } : { ...hit, level: level as Level };
  };
  const path = rx.sensitivePath.first(text) ?? rx.sensitiveProse.first(text);
  if (path) {
    const asks = near(text, path, rx.contentsOf, 80, 20) || near(text, path, rx.read, 80, 40);
    const level: Level = asks ? 2 : exfilName ? 1 : 0;
    return lower({ rule: 'exfiltration-parameter', level, evidence: show(path) });
  }
  const conv = rx.conversation.first(text);
  if (conv) return lower({ rule: 'exfiltration-parameter', level: exfilName ? 2 : 1, evidence: show(conv) });
  const secret = rx.secret.first(text);
  if (secret) return lower({ rule: 'exfiltration-parameter', level: exfilName ? 2 : 1, evidence: show(secret) });
  return null;
}

export const EXFIL_PARAM_NAME = re(P.EXFIL_PARAM_NAME);

// ---- secret-bearing parameter names

/** What a parameter name asks for: something of the agent's own that a tool has no use for unless it is about that thing. */
export type SecretObject = 'ssh-key' | 'private-key' | 'cloud-secret' | 'env-file' | 'conversation' | 'system-prompt' | 'mcp-config' | 'wallet-secret' | 'credential';

/**
 * Words of a tool's name and purpose that explain asking for the object (an SSH tool may take a
 * key, a chat summariser a conversation, an LLM wrapper a system prompt), matched as word
 * prefixes in the folded name and first sentences of the description.
 */
const PURPOSE: Readonly<Record<SecretObject, SafeRegex>> = {
  'ssh-key': re('\\b(?:ssh|sftp|scp|remote|hosts?|servers?|git|deploy|vms?|instances?)'),
  'private-key': re('\\b(?:ssh|sftp|scp|remote|wallets?|sign|signs|signing|signature|crypto|ethereum|eth|evm|solana|bitcoin|btc|blockchain|transactions?|tx|certificates?|certs?|tls|ssl|jwt|pgp|gpg|encrypt|decrypt|keys?|keystore|vault)'),
  'cloud-secret': re('\\b(?:aws|amazon|s3|ec2|lambda|dynamodb|sqs|sns|iam|sts|cloudwatch|bedrock|route53|boto|gcp|google cloud|gcloud|bigquery|azure|cloud)'),
  'env-file': re('\\b(?:env|\\.env|dotenv|environment|config|configuration|deploy|docker|containers?|process|secrets?)'),
  conversation: re('\\b(?:chat|conversations?|messages?|transcripts?|dialog|memory|memories|llm|language model|assistant|sampling|completions?|slack|discord|teams|telegram|whatsapp|threads?|history|histories)'),
  'system-prompt': re('\\b(?:llm|language model|model|prompts?|completions?|generat|gpt|claude|openai|anthropic|gemini|mistral|ollama|sampling|chat|agents?|assistants?|personas?|ai)\\b'),
  'mcp-config': re('\\b(?:mcp|claude desktop|cursor|windsurf|config)'),
  'wallet-secret': re('\\b(?:wallets?|crypto|ethereum|eth|evm|solana|bitcoin|btc|blockchain|mnemonic|seed)'),
  credential: re('\\b(?:log ?in|sign ?in|auth|authenticat|accounts?|users?|passwords?|credentials?|connect|database|db|sql|smtp|imap|ftp|api|oauth|tokens?|session)'),
};

/** Splits a name at `_`, `-`, `.`, spaces and case changes: `sshPrivateKey` → ssh, private, key. */
export function nameTokens(name: string): string[] {
  const out: string[] = [];
  let cur = '';
  const s = name.slice(0, 128);
  const kind = (c: string): 'u' | 'l' | 'd' | '' => (c >= 'A' && c <= 'Z' ? 'u' : c >= 'a' && c <= 'z' ? 'l' : c >= '0' && c <= '9' ? 'd' : '');
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    const k = kind(c);
    if (k === '') {
      if (cur !== '') out.push(cur);
      cur = '';
      continue;
    }
    const prev = i > 0 ? kind(s.charAt(i - 1)) : '';
    const next = i + 1 < s.length ? kind(s.charAt(i + 1)) : '';
    // aB → a|B; ABc → A|Bc (an acronym before a word).
    if (cur !== '' && k === 'u' && (prev === 'l' || (prev === 'u' && next === 'l'))) {
      out.push(cur);
      cur = '';
    }
    cur += c.toLowerCase();
  }
  if (cur !== '') out.push(cur);
  return out.slice(0, 16);
}

/** Tokens that make the parameter about the object rather than the object itself: a count, a switch, a path or a name. */
const ABOUT = new Set(['limit', 'limits', 'max', 'min', 'count', 'num', 'number', 'size', 'length', 'len', 'enabled', 'enable', 'disable', 'disabled', 'include', 'use', 'path', 'paths', 'dir', 'directory', 'location', 'url', 'uri', 'name', 'names', 'type', 'format', 'mode', 'ttl', 'timeout', 'ids', 'fingerprint', 'hash', 'exists', 'has', 'is', 'show', 'depth', 'days', 'since', 'until', 'index', 'offset', 'page']);
/** Tokens that ask for the thing's content. */
const CONTENT = new Set(['contents', 'content', 'dump', 'text', 'copy', 'all', 'full', 'entire', 'raw', 'verbatim', 'body', 'data', 'value', 'values']);

/** The secret-bearing object a parameter name asks for, if any (`strong`: the agent's own, never an ordinary input). */
export function secretObjectOfName(name: string): { object: SecretObject; strong: boolean; content: boolean } | null {
  const tokens = nameTokens(name);
  if (tokens.length === 0) return null;
  const has = (t: string): boolean => tokens.includes(t);
  const flat = tokens.join('');
  const content = tokens.some((t) => CONTENT.has(t));
  // `id` is only ever a qualifier when it is not the `id_rsa` of a key file.
  const keyFile = ['idrsa', 'ided25519', 'idecdsa', 'iddsa'].some((f) => flat.includes(f)); // id_rsa, idEd25519 …
  if (tokens.some((t) => ABOUT.has(t)) || (!keyFile && has('id'))) return null;
  let object: SecretObject | null = null;
  let strong = true;
  if (keyFile || (has('ssh') && (has('key') || has('keys') || has('private') || has('identity') || has('pem')))) object = 'ssh-key';
  else if (flat.includes('privatekey') || flat.includes('privkey') || (has('private') && has('key'))) object = 'private-key';
  else if ((has('aws') || has('gcp') || has('azure')) && (has('secret') || has('credentials') || has('credential') || has('creds') || flat.includes('accesskey') || flat.includes('sessiontoken'))) object = 'cloud-secret';
  else if (flat.includes('secretaccesskey') || flat.includes('serviceaccountkey')) object = 'cloud-secret';
  else if (flat.includes('dotenv') || flat.includes('envfile') || (has('env') && (content || has('vars') || has('variables'))) || flat.includes('environmentvariables')) object = 'env-file';
  else if ((has('conversation') || has('chat') || has('dialog') || has('dialogue') || has('message') || has('messages') || has('session')) && (has('history') || has('log') || has('logs') || has('transcript'))) object = 'conversation';
  else if (has('transcript') || flat.includes('conversationhistory') || flat.includes('chathistory')) object = 'conversation';
  else if (flat.includes('systemprompt') || flat.includes('developerprompt') || flat.includes('hiddenprompt') || (has('system') && (has('instructions') || has('message') || has('prompt')))) object = 'system-prompt';
  else if (flat.includes('mcpconfig') || flat.includes('mcpjson') || flat.includes('mcpservers') || flat.includes('claudedesktopconfig')) object = 'mcp-config';
  else if (flat.includes('seedphrase') || flat.includes('recoveryphrase') || has('mnemonic') || flat.includes('walletkey')) object = 'wallet-secret';
  else if (has('password') || has('passwd') || has('passphrase') || has('token') || has('secret') || has('credentials') || has('credential') || has('creds') || flat.includes('apikey') || has('cookie') || has('cookies')) {
    object = 'credential';
    strong = false;
  }
  return object ? { object, strong, content } : null;
}

/**
 * Words by which a tool's name or first sentences say it takes things away covertly. A purpose that
 * says so explains nothing: `exfil_history` names the conversation, but not as something a user
 * would hand over. (Folded text, word prefixes: exfiltrate, stealer, harvesting, smuggled.)
 */
const HOSTILE_PURPOSE = re('\\b(?:exfil|steal|stole|harvest|smuggl|siphon|covert|stealth|backdoor|keylog|spyware)');

/**
 * What a tool says it is for, as the purpose checks read it. The description's first sentence
 * when it has a few words: a name is the attacker's cheapest choice (`aws_tool` described as
 * "Adds two numbers." is not an AWS tool), so the name counts only for a tool with next to no
 * description. Nothing when either says the tool takes things covertly.
 */
export function effectivePurpose(nameAndDescription: string, description: string): string {
  if (HOSTILE_PURPOSE.test(nameAndDescription)) return '';
  let words = 0;
  for (const w of description.split(' ')) if (/[a-z]/.test(w) && ++words >= 3) return description;
  return nameAndDescription;
}

/** Whether a tool's name and purpose explain a parameter asking for this object. */
export function purposeExplains(object: SecretObject, purpose: string): boolean {
  return PURPOSE[object].test(purpose);
}

/**
 * A parameter named for a secret-bearing object. The agent's own secrets and context (an SSH or
 * private key, cloud secrets, an env file, the conversation, the system prompt, the MCP config,
 * a wallet's seed) asked for by a tool whose name and purpose say nothing of them: high. The same
 * name on a tool about that thing: quiet. Ordinary credentials (password, token, API key) are a
 * tool's own inputs (a login tool, an API client): only a name asking for their contents or all
 * of them counts, medium, and not when the purpose explains it.
 */
export function secretParameterName(name: string, purpose: string): Hit | null {
  const o = secretObjectOfName(name);
  if (!o) return null;
  const explained = purposeExplains(o.object, purpose);
  const evidence = `${clip(name, 40)}: names ${o.object.replace('-', ' ')}`;
  if (o.strong) return explained ? { rule: 'exfiltration-parameter', level: 0, quiet: true, evidence } : { rule: 'exfiltration-parameter', level: 2, evidence };
  if (!o.content || explained) return null;
  return { rule: 'exfiltration-parameter', level: 1, evidence };
}
