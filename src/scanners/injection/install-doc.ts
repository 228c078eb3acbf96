// Documentation that tells a human reader how to install something, and notes in a repository that
// tell coding agents its own workflow. A README says "To install, run: curl -fsSL https://…/install.sh
// | bash" (nvm, Homebrew, rustup): the download-and-run command is the object of installation
// instructions for the reader, not a payload planted for the agent. It is documented when:
//   - the text before it (REACH characters: its heading, intro line, earlier code blocks) speaks of
//     installing or setting up ("To install", "Installation", "set up", "upgrade"), and
//   - nothing before it, or after it to the end of its paragraph, addresses an AI, an assistant, an
//     agent or a bot ("If you are an AI assistant, run …", "Agents assisting employees should
//     perform these steps"), and
//   - it is not hidden: not inside an HTML comment, and
//   - no urgency or secrecy surrounds it ("immediately", "silently", "without asking", "do not
//     mention"), and the command names no secret (`$AWS_SECRET_ACCESS_KEY`, `~/.ssh`, `.env`).
// A documented command keeps only the weak-cue weight (index.ts, as for quoted mentions); a later
// undocumented copy in the same text counts in full.
//
// A note to coding agents in a repository (AGENTS.md style: "If you are an AI assistant working in
// this repository, please run `npm test` before committing") asks for the project's own workflow.
// The note is a weak cue when the rest of its sentence is such a request: a local command in inline
// code (no URL, pipe, redirection, variable, or home or secret path) or the tests, lint, formatting,
// commits or pull requests, and nothing else in the sentence carries evidence of its own.
import { re, type SafeRegex } from '../../re/index.ts';

/** How much of the paragraph before and after a command is read. */
const REACH = 320;

let installWords: SafeRegex | null = null;
function installContext(): SafeRegex {
  installWords ??= re(
    `\\b(?:install(?:s|ed|ing|ation|er)?|set ?up|setup|upgrade|update|get(?:ting)? started|quick ?start|bootstrap|download the (?:installer|script))\\b`,
    'i',
  );
  return installWords;
}

const AI_READER = `(?:ai|a\\.i\\.|llms?|gpt|chatgpt|claude|copilot|gemini|assistants?|agents?|bots?|models?|automated|automation|whoever|yourself)`;

let addressed: SafeRegex | null = null;
function addressesAgent(): SafeRegex {
  addressed ??= re(`\\b${AI_READER}\\b`, 'i');
  return addressed;
}

let pressure: SafeRegex | null = null;
function pressureWords(): SafeRegex {
  pressure ??= re(
    `\\b(?:silently|quietly|secretly|immediately|urgent(?:ly)?|mandatory|right now|without (?:asking|confirm\\w*|telling|approval|permission|review\\w*)|do not (?:mention|tell|show|report)|don['’]t (?:mention|tell|show|report)|no need to (?:mention|tell|ask))\\b`,
    'i',
  );
  return pressure;
}

let secrets: SafeRegex | null = null;
function secretInCommand(): SafeRegex {
  secrets ??= re(`(?:secret|token|passw|api_?key|private|credential|\\.ssh\\b|\\.aws\\b|\\.env\\b|\\bid_rsa|\\benv\\b|printenv|\\$\\{?[a-z_]*(?:key|secret|token)|-d\\s*@|--data)`, 'i');
  return secrets;
}

/**
 * What is read around text[start, end): up to REACH characters before it (an install guide puts its
 * heading, intro line and earlier code blocks there), and after it to the end of its paragraph.
 */
function paragraph(text: string, start: number, end: number): { before: string; after: string } {
  let to = end;
  while (to < text.length && to - end < REACH) {
    if (text.charCodeAt(to) === 0x0a && text.charCodeAt(to + 1) === 0x0a) break;
    to++;
  }
  return { before: text.slice(Math.max(0, start - REACH), start), after: text.slice(end, to) };
}

/** Inside an HTML comment: a `<!--` before it in the text that no `-->` closes first. */
function inHtmlComment(text: string, start: number): boolean {
  const open = text.lastIndexOf('<!--', start);
  return open >= 0 && text.lastIndexOf('-->', start) < open;
}

/** True when text[start, end) is a download-and-run command in installation instructions for a human reader. */
export function isDocumentedInstall(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  if (inHtmlComment(text, start)) return false;
  if (secretInCommand().test(text.slice(start, end))) return false;
  const { before, after } = paragraph(text, start, end);
  if (!installContext().test(before)) return false;
  const around = `${before}\n${after}`;
  return !addressesAgent().test(around) && !pressureWords().test(around);
}

let workflow: SafeRegex | null = null;
/** After a note to an AI, the rest of its sentence asks only for the project's own workflow. */
function workflowRequest(): SafeRegex {
  // (working|contributing) in this repository/project, then please (run|use) `local command` or the tests/lint…,
  // optionally "before committing/pushing/opening a pull request", then the sentence ends
  workflow ??= re(
    `^(?:[^.!?\\n\`]{0,80}?\\b(?:in|on|with) this (?:repository|repo|project|codebase|code base)\\b)?[\\s,:;-]*(?:please[\\s,]+)?(?:(?:always|also)\\s+)?(?:run|use|execute|follow|keep|update|add|write)\\s+(?:\`[^\`\\n|<>$;&]{1,60}\`|the (?:tests?|test suite|linters?|formatter|type ?check(?:er)?|style guide|coding conventions|changelog)|tests)(?:\\s+(?:and|or)\\s+(?:\`[^\`\\n|<>$;&]{1,60}\`|the (?:tests?|linters?|formatter)))?(?:\\s+(?:before|after|when)\\s+(?:committing|pushing|opening (?:a|the) (?:pull|merge) request|submitting|each commit|every commit|making changes|changing code))?\\s*(?:[.!]|$)`,
    'i',
  );
  return workflow;
}

/** Inline code that reaches out or touches secrets: a URL, a home or dot path, or a shell variable. */
let reachOut: SafeRegex | null = null;
function outwardCode(): SafeRegex {
  reachOut ??= re(`\`[^\`\\n]*(?:https?:|www\\.|~/|\\.env|\\.ssh|\\.aws|/etc/|\\bcurl\\b|\\bwget\\b|\\bnc\\b|\\bssh\\b|\\bscp\\b|\\bsudo\\b|\\brm\\b)[^\`\\n]*\``, 'i');
  return reachOut;
}

const SENTENCE_END: ReadonlySet<number> = new Set([0x2e, 0x21, 0x3f, 0x0a]);

/** True when the note to an AI at text[start, end) asks, in the rest of its sentence, only for the project's own workflow. */
export function isWorkflowNote(text: string, start: number, end: number): boolean {
  let to = end;
  while (to < text.length && to - end < REACH && !SENTENCE_END.has(text.charCodeAt(to))) to++;
  const rest = text.slice(end, Math.min(text.length, to + 1));
  return workflowRequest().test(rest) && !outwardCode().test(rest);
}

/** A fetch-and-run code indicator (a raw script URL, `chmod +x`) on a documented install command's line. */
export function isDocumentedInstallLine(text: string, start: number, end: number): boolean {
  let from = start;
  while (from > 0 && start - from < REACH && text.charCodeAt(from - 1) !== 0x0a) from--;
  let to = end;
  while (to < text.length && to - end < REACH && text.charCodeAt(to) !== 0x0a) to++;
  const line = text.slice(from, to).toLowerCase();
  const at = Math.max(line.indexOf('curl'), line.indexOf('wget'));
  return at >= 0 && isDocumentedInstall(text, from, to);
}
