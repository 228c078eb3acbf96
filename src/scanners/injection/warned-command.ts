// A destructive command named in a warning. Manuals, man pages and answers say "WARNING: running
// rm -rf / will destroy your system" or "never run :(){ :|:& };: on a shared machine": the command is
// the object of a warning, not an instruction to run it. A match of a destructive command (the
// shell-payload family's rm-rf-root and fork-bomb, and the destructive class of suspicious-code) is
// warned about when, on its own line:
//   - the words before it forbid running it ("never run", "do not execute", "avoid typing"), or
//   - the words before it name running it as a subject ("running", "executing", "typing", or the
//     command at the start of the line) and the words after it predict harm ("will destroy",
//     "can wipe", "is irreversible").
// An imperative ("run rm -rf / now", "Execute: rm -rf ~") is neither, and counts in full; so does a
// later unwarned copy of the command in the same text (index.ts reads past warned matches as it reads
// past quoted mentions).
import { re, type SafeRegex } from '../../re/index.ts';

/** How much of the line on each side of the command is read. */
const REACH = 96;

const RUN = "(?:run|type|execute|enter|paste|use|try|copy|invoke)";
const RUNNING = '(?:running|typing|executing|entering|pasting|using|trying|invoking)';

let forbid: SafeRegex | null = null;
/** The line before the command forbids running it: "never run", "do not execute", "avoid running". */
function forbidBefore(): SafeRegex {
  forbid ??= re(
    `\\b(?:never|do not|don['’]t|dont|must not|should not|shouldn['’]t|please do not|avoid|refrain from|stop)\\s+(?:ever\\s+)?(?:${RUN}|${RUNNING})(?:\\s+(?:the command|the following|commands? like|something like|this))?[\\s:\`'"“‘(*]*$`,
    'i',
  );
  return forbid;
}

let subject: SafeRegex | null = null;
/** The line before the command makes running it a subject: "running", "typing", or nothing (the command opens the line). */
function subjectBefore(): SafeRegex {
  subject ??= re(`(?:\\b${RUNNING}(?:\\s+(?:the command|commands? like|something like))?|^[\\s>*\\-•]*|^[\\s>*\\-•]*(?:warning|caution|danger|note|careful)[\\s!:*-]*)[\\s:\`'"“‘(*]*$`, 'i');
  return subject;
}

let harm: SafeRegex | null = null;
/** The words after the command predict harm: "will destroy your system", "is irreversible". */
function harmAfter(): SafeRegex {
  harm ??= re(
    `^[\\s\`'"”’)*]*(?:(?:as root|on (?:your|a|the) \\w+|by accident|accidentally)\\s+)?(?:(?:will|would|can|could|may|might)\\s+(?:\\w+\\s+){0,2}(?:destroy|delete|wipe|erase|break|brick|ruin|damage|remove|nuke|trash|kill|crash|corrupt|hose|wreck|freeze|hang|lock up)|(?:is|are)\\s+(?:\\w+\\s+){0,2}(?:dangerous|destructive|catastrophic|irreversible|fatal|deadly))\\b`,
    'i',
  );
  return harm;
}

/** True when text[start, end) is a destructive command named as the object of a warning on its own line. */
export function isWarnedCommand(text: string, start: number, end: number): boolean {
  let from = start;
  while (from > 0 && start - from < REACH && text[from - 1] !== '\n') from--;
  let to = end;
  while (to < text.length && to - end < REACH && text[to] !== '\n') to++;
  const before = text.slice(from, start);
  if (forbidBefore().test(before)) return true;
  return subjectBefore().test(before) && harmAfter().test(text.slice(end, to));
}
