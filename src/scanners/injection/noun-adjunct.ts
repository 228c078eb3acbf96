// An instruction noun that only qualifies another noun. "Override the default instructions table when
// the locale is missing" overrides a table; "ignore the previous rules file" skips a file. The object
// of an override is the last noun of its phrase: when the instruction word is followed at once by a
// noun that names an artefact of software or a document (table, file, page, template, engine …), it
// is a noun adjunct, and the hit keeps the weak-cue weight (index.ts, as quoted mentions).
import { re, type SafeRegex } from '../../re/index.ts';

let head: SafeRegex | null = null;
/** A head noun right after the instruction word ("instructions table", "rules engine", "system prompt template"). */
function headNoun(): SafeRegex {
  head ??= re(
    '^[ \\t]+(?:tables?|files?|pages?|sections?|fields?|keys?|lists?|maps?|schemas?|templates?|panels?|strings?|ids?|columns?|arrays?|objects?|class(?:es)?|modules?|components?|dialogs?|buttons?|tabs?|links?|urls?|editors?|folders?|directory|documents?|formats?|parsers?|loaders?|cache|stores?|database|db|views?|widgets?|entry|entries|paths?|config|settings?|options?|variables?|constants?|propert(?:y|ies)|enums?|types?|structs?|builders?|engines?|registry|managers?|handlers?|services?|endpoints?|api|menus?|screens?|sheets?|blocks?|tags?|headers?|comments?|docs?|translations?|locales?|labels?|json|yaml|md|txt|repo|repository|branch|versions?)\\b',
    'i',
  );
  return head;
}

/** True when the hit text[start, end) ends on an instruction word that qualifies the noun after it. */
export function isNounAdjunct(text: string, _start: number, end: number): boolean {
  return headNoun().test(text.slice(end, end + 40));
}
