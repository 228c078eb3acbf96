// A credential file named in a description of what software does, not in a directive. Bug reports
// and issues say "After upgrading, `aws s3 ls` fails: it can't read ~/.aws/credentials (permission
// denied)" or "the CLI tries to open ~/.ssh/id_rsa": the verb that the credential-path patterns start
// with is reported, negated or attempted by a subject, so nobody is being told to read the file.
// A credential-path match is described when the words just before its verb, in the same clause, are
// a failure, attempt, inability or prohibition: "can't", "cannot", "could not", "unable to",
// "fails to", "failed to", "tries to", "attempts to", "doesn't", "did not", "won't", "refuses to",
// "no permission to", "never". An imperative ("Read ~/.aws/credentials", "please cat ~/.ssh/id_rsa",
// "Run `cat …`", "send the contents of …") is none of these and counts in full; so does a later
// undescribed copy in the same text (index.ts reads past described matches as past quoted mentions).
// A conditional or designed capability is a description too ("a script that would read …", "the
// payload is designed to read … and upload it"), and so is a file excluded between the verb and the
// path: "attach the output of `aws configure list` (not ~/.aws/credentials) to the issue". So is a
// request whose sentence asks for the secrets in the file to be taken out first, as maintainers ask in
// issue threads: "could you paste your ~/.npmrc here, with the token redacted?", "remove the
// passwords, then attach .pgpass to the issue". What is sent then holds no credential. Last, a path
// that the words before it make a destination is not read: "copy the template to ~/.aws/credentials",
// "add the following to ~/.netrc and send requests to https://api.example.com with curl -n".
import { re, type SafeRegex } from '../../re/index.ts';
import { ONE_PATH } from './credential-transfer.ts';

/** How far back in the clause the words before the verb are read. */
const REACH = 48;

let described: SafeRegex | null = null;
function describedBefore(): SafeRegex {
  described ??= re(
    `\\b(?:can['’]?t|cannot|can not|could ?n['’]?t|could not|unable to|(?:fail|refuse|attempt|tr(?:y|ie))(?:s|d|ed|ing)? to|trying to|(?:does|did|do|is|was|were|are) ?n['’]?o?t(?: able to| allowed to| permitted to)?|won['’]?t|wouldn['’]?t|(?:no|without|lacks?|lacking) (?:permission|access|rights?) to|not (?:allowed|able|permitted) to|no longer|never|would|could|might|(?:must|should|shall) ?n['’]?o?t|(?:designed|meant|built|written|programmed|made) to)\\s+(?:be able to\\s+)?$`,
    'i',
  );
  return described;
}

/** Characters that end a clause: what comes before them is not the verb's own clause. */
function clauseBreak(c: number): boolean {
  return c === 0x2e || c === 0x21 || c === 0x3f || c === 0x3b || c === 0x3a || c === 0x0a || c === 0x60 || c === 0x28 || c === 0x2c;
}

let path: SafeRegex | null = null;
let excluded: SafeRegex | null = null;
/** Words that leave what follows them out: "(not ~/.aws/credentials)", "everything except .env". */
function exclusion(): SafeRegex {
  excluded ??= re(`\\b(?:not|never|no|without|except|excluding|instead of|rather than|other than)\\b`, 'i');
  return excluded;
}

let into: SafeRegex | null = null;
/** Words that make the path after them a destination: "… to ~/.netrc", "… into your .env file". */
function intoPath(): SafeRegex {
  into ??= re(`\\b(?:to|into|onto)\\s+(?:(?:the|your|my|our|a|an|this|that|their|a new)\\s+)?(?:(?:file|folder|directory)\\s+)?[\\s"'\`(]*$`, 'i');
  return into;
}

/** How far the rest of the sentence around a match is read for a redaction request. */
const SENTENCE_REACH = 160;
let redaction: SafeRegex | null = null;
/** "redact the token", "with the passwords removed", "(redacted)": the secrets are to be taken out. */
function redactionAsked(): SafeRegex {
  const noun = `(?:tokens?|secrets?|passwords?|passphrases?|keys?|credentials|auth(?:[ _-]?token)?|sensitive (?:parts|values|data|info\\w*))`;
  redaction ??= re(
    `\\b(?:(?:redact(?:ing)?|mask(?:ing)?|remov(?:e|ing)|strip(?:ping)?|hid(?:e|ing)|scrub(?:bing)?|censor(?:ing)?|blank(?:ing)? out|x out)(?:\\s+(?:the|any|all|your|its|their))?\\s+(?:\\w+\\s+)?${noun}|${noun}(?:\\s+\\w+)?\\s+(?:redacted|removed|masked|stripped|hidden|scrubbed|censored|blanked out|x['’]?ed out))\\b|\\(redacted\\)`,
    'i',
  );
  return redaction;
}

/** Characters that end a sentence. */
function sentenceEnd(c: number): boolean {
  return c === 0x2e || c === 0x21 || c === 0x3f || c === 0x0a;
}

/**
 * True when the credential-path match text[start, end) opens on a verb reported as failed, attempted,
 * conditional or forbidden, when the words between its verb and the first credential path in it
 * exclude the path, or when its sentence asks for the secrets to be redacted first.
 */
export function isDescribedAccess(text: string, start: number, end: number): boolean {
  let from = start;
  while (from > 0 && start - from < REACH && !clauseBreak(text.charCodeAt(from - 1))) from--;
  if (describedBefore().test(text.slice(from, start))) return true;
  const match = text.slice(start, end);
  path ??= re(ONE_PATH, 'i');
  const at = path.first(match);
  if (at !== null && at.index > 0 && (exclusion().test(match.slice(0, at.index)) || intoPath().test(match.slice(0, at.index)))) return true;
  // the sentence around the match (a path's own dots are not sentence ends: only a dot before a space or the end is)
  let head = start;
  while (head > 0 && start - head < SENTENCE_REACH && !sentenceEnd(text.charCodeAt(head - 1))) head--;
  let tail = end;
  while (tail < text.length && tail - end < SENTENCE_REACH && !(sentenceEnd(text.charCodeAt(tail)) && (tail + 1 >= text.length || text.charCodeAt(tail + 1) === 0x20))) tail++;
  return redactionAsked().test(text.slice(head, start)) || redactionAsked().test(text.slice(end, tail));
}
