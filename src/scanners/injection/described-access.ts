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
import { re, type SafeRegex } from '../../re/index.ts';

/** How far back in the clause the words before the verb are read. */
const REACH = 48;

let described: SafeRegex | null = null;
function describedBefore(): SafeRegex {
  described ??= re(
    `\\b(?:can['’]?t|cannot|can not|could ?n['’]?t|could not|unable to|(?:fail|refuse|attempt|tr(?:y|ie))(?:s|d|ed|ing)? to|trying to|(?:does|did|do|is|was|were|are) ?n['’]?o?t(?: able to| allowed to| permitted to)?|won['’]?t|wouldn['’]?t|(?:no|without|lacks?|lacking) (?:permission|access|rights?) to|not (?:allowed|able|permitted) to|no longer|never)\\s+(?:be able to\\s+)?$`,
    'i',
  );
  return described;
}

/** Characters that end a clause: what comes before them is not the verb's own clause. */
function clauseBreak(c: number): boolean {
  return c === 0x2e || c === 0x21 || c === 0x3f || c === 0x3b || c === 0x3a || c === 0x0a || c === 0x60 || c === 0x28 || c === 0x2c;
}

/** True when the credential-path match text[start, end) opens on a verb reported as failed, attempted or forbidden. */
export function isDescribedAccess(text: string, start: number, _end: number): boolean {
  let from = start;
  while (from > 0 && start - from < REACH && !clauseBreak(text.charCodeAt(from - 1))) from--;
  return describedBefore().test(text.slice(from, start));
}
