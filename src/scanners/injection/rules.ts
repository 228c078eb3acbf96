// Pattern families of the injection scanner. A family is one kind of attack behaviour
// (override, exfiltration, covert action…); its patterns carry weights, and the scanner
// combines the best weight of every family that matched into one score per text.
// Patterns are RE2 syntax and are compiled through re() only.
import {
  AI_NOUN,
  ANSWER_DIRECT_VERB,
  ANSWER_INSERT_VERB,
  ANSWER_UNIT,
  AUDIENCE,
  BEFORE_NOW,
  CONFIG_OBJECT,
  CONVERSATION_OBJECT,
  DECEPTIVE_CUE,
  LANGUAGE,
  MANGLED_FORM,
  MANGLE_VERB,
  MANGLE_WHOLE_VERB,
  PROMOTE_VERB,
  READER_ACTION,
  STEER_VERB,
  EXEC_VERB,
  EXTERNAL_DEST,
  INSTRUCTION_OBJECT,
  OVERRIDE_VERB,
  OWN_CONFIG_OBJECT,
  OWN_CODE,
  OWN_OUTPUT,
  GIVEN_QUALIFIER,
  MODEL_CONFIG_OBJECT,
  SETTING_QUALIFIER,
  PRIOR_QUALIFIER,
  SECRET_NOUN,
  SEND_VERB,
  SEND_VERB_TO_DEST,
  SENSITIVE_DATA,
  SEP,
  TOLD_VERB,
  VOID_STATE,
  VOID_DECLARED,
  alt,
  gap,
} from './lexicon.ts';
import { FOREIGN_OVERRIDE, FOREIGN_ROLE } from './foreign.ts';
import { CREDENTIAL_PATH, NET_TOOL_SENDS_SECRET_FILE, PATH_STOP, PIPE_SECRET_COMMAND, PIPE_SECRET_FILE, READ_THEN_SEND, SEND_ME_SECRET_FILE, SEND_SECRET_FILE } from './credential-transfer.ts';

/**
 * Which view a pattern reads. `folded`: lower-cased, whitespace collapsed (also run on the
 * leetspeak fold and on a plain lower-case view, so homoglyph and leet hiding both show up).
 * `clean`: NFKC text with case and newlines kept, matched case-insensitively; used for
 * line-anchored markers and punctuation-heavy tokens. `plain`: the clean text lower-cased with
 * whitespace collapsed and no confusable mapping; used for non-English rules.
 */
export type ViewKind = 'folded' | 'clean' | 'plain';

export interface PatternSpec {
  readonly label: string;
  readonly weight: number;
  readonly src: string;
  readonly view: ViewKind;
  /**
   * The pattern addresses the model reading the text ("print your system prompt"): when it is its
   * family's strongest hit in an ingress segment, the family gets the third-party boost.
   */
  readonly readerOnly?: boolean;
  /**
   * A folded-view copy of a clean-view pattern, with its label (see `shell`): it counts only where
   * the clean-view pattern and the plain view both miss, that is where the match needed look-alike
   * letters folded to Latin ones (index.ts, `foldedTwinsThatCount`).
   */
  readonly foldedTwin?: boolean;
}

export interface Family {
  /** Stable rule id: `injection/<family>`. */
  readonly id: string;
  readonly mitre: string;
  /** Short name used in messages. */
  readonly title: string;
  /** What the text tries to make the model do; completes "The text …". */
  readonly what: string;
  /** `phrase`: the matched phrase is safe to quote (clipped). `redact`: it may carry data (URLs, paths). */
  readonly evidence: 'phrase' | 'redact';
  readonly patterns: readonly PatternSpec[];
  /**
   * True for families whose cues are ordinary in a user's own prompt but mark planted
   * instructions when they arrive inside third-party content (ingress): they weigh more there.
   */
  readonly thirdParty?: boolean;
  /**
   * Multiplies the ingress boost of a `thirdParty` family (default 1): for directives whose only
   * plausible reader is a model (encode your answer, slip a promotion into it), so that in
   * third-party content they reach block level while the same words typed by the user stay silent.
   */
  readonly thirdPartyScale?: number;
  /**
   * True for families that tell the model to drop or replace its instructions or identity: in
   * ingress segments a strong hit of one weighs more (see InjectionOptions.overrideBoost).
   */
  readonly override?: boolean;
  /**
   * For families whose attacks pile up distinct cues (a jailbreak persona is "amoral", "unfiltered",
   * "never refuses" and "answers no matter how illegal" at once): each further distinct pattern
   * label of at least `min` weight adds `per`, up to `cap`, instead of the usual small bonus
   * (score.ts familyWeight). One cue repeated stays one cue; and cues stack only near a phrase that
   * casts or instructs the reader (index.ts ADDRESSING), not in a report that describes them.
   */
  readonly stack?: { readonly min: number; readonly per: number; readonly cap: number };
}

export function f(label: string, weight: number, src: string): PatternSpec {
  return { label, weight, src, view: 'folded' };
}
/** A folded-view pattern that addresses the model reading the text (see PatternSpec.readerOnly). */
export function r(label: string, weight: number, src: string): PatternSpec {
  return { label, weight, src, view: 'folded', readerOnly: true };
}
export function c(label: string, weight: number, src: string): PatternSpec {
  return { label, weight, src, view: 'clean' };
}

/**
 * A shell-command pattern, read twice: on the clean view (case and line breaks kept, matched
 * case-insensitively) and, as a twin with the same label, on the folded view, where look-alike
 * letters are mapped to Latin ones (`| bаsh` with a Cyrillic а, `/dеv/tcp/`). So the source is
 * written in lower case and means the same on both views: `[^\n]` keeps a match on one line of the
 * clean view; the folded view has no line breaks (whitespace is collapsed there), and the twin
 * counts only where the clean pattern and the plain view miss (PatternSpec.foldedTwin), so a
 * match across lines is never counted because of it.
 */
function shell(label: string, weight: number, src: string): PatternSpec[] {
  return [c(label, weight, src), { label, weight, src, view: 'folded', foldedTwin: true }];
}

const B = '\\b';
/** Where a clause opens in a folded view (newlines are spaces there): the start, or after punctuation or a markdown mark. */
/** The dual-answer frame's "two … ways" (dual-response): written so that every core holds the "two". */
const DUAL_ADJ = alt('different', 'separate', 'distinct', 'opposite', 'opposing');
const DUAL_KIND = alt('ways', 'styles', 'responses', 'answers', 'replies', 'manners', 'paragraphs', 'versions', 'personalities', 'personas');
/** Norms a jailbreak persona is said to be free of. */
const NORMS = alt('laws', 'law', 'legal', 'morals', 'moral', 'morality', 'ethics', 'ethical', 'legality', 'rules', 'guidelines', 'principles', 'consequences', 'norms', 'values', 'policies', 'restrictions', 'boundaries', 'limits');
const CLAUSE_OPEN = `(?:^|[.!?:;>\\]\\)*#|"“”'‘’(\\[–—-]\\s*)`;
/**
 * Where a name of the AI reader ends: the AI word, or an assistant, agent, bot, model… it qualifies
 * ("AI shopping assistant", "automated agent"), then punctuation, the end, or a word that goes on
 * addressing it ("an AI reading this", "to the AI: …"). "If you are an AI researcher", "Reminder to
 * the AI ethics committee" and "This section is for AI engineers" name people: the AI word there
 * qualifies them (found on AI-heavy benign text in session 9's second review).
 */
const AI_END = `(?:${SEP}(?:[\\w-]+${SEP}){0,2}?${alt('assistants?', 'agents?', 'bots?', 'models?', 'systems?', 'tools?', 'helpers?', 'readers?', 'crawlers?', 'copilots?', 'reviewers?', 'screeners?')})?(?:\\s*(?:[,.;:!?)"'”’—–-]|$)|${SEP}${alt('reading', 'processing', 'parsing', 'summari[sz]ing', 'analy[sz]ing', 'reviewing', 'scanning', 'crawling', 'ingesting', 'handling', 'managing', 'helping', 'assisting', 'advising', 'working', 'acting', 'triaging', 'comparing', 'screening', 'browsing', 'compiling', 'is', 'are', 'that', 'who', 'which', 'and', 'or', 'like', 'then', 'please', 'you', 'must', 'should', 'ignore', 'stop', 'do', 'here', 'only', 'in', 'with', 'on')}${B})`;
/** "note to the AI", "instructions for any assistant" (folded view). */
const NOTE_TO_AI = `${alt('note', 'message', 'instructions?', 'memo', 'reminder', 'notice', 'hint', 'directive', 'p\\.?s\\.?', 'attention')}${SEP}${alt('to', 'for')}${SEP}(?:the${SEP}|any${SEP}|all${SEP}|every${SEP})?${AI_NOUN}`;
/**
 * "before this" as the text before this one: at a clause end or naming the text ("before this message"),
 * not a deadline ("return the form before this Friday").
 */
const BEFORE_THIS_TEXT = `before this(?:\\s*(?:[.,;:!?)"']|$)|[ \\t]+(?:message|line|point|prompt|text|sentence|paragraph|conversation|request|instructions?|one|part)\\b)`;

/**
 * "the above" as the object of a request: at a clause end, followed by a word that goes on with the
 * request ("repeat the above verbatim", "print the above and stop") or by a text it names ("the above
 * instructions"), not by another noun it qualifies ("the above copyright notice", "the above steps").
 */
const ABOVE_ALONE = `(?:\\s*(?:[.,;:!?)"'”’]|$)|[ \\t]+(?:and|then|but|please|now|verbatim|exactly|word|in full|in its entirety|for me|for us|back|again|starting|beginning|from|without|including|so|in|as|into|inside|within|using|text|words|lines|content|messages?|instructions?|prompts?|sentences?|paragraphs?|conversation|rules|directions|guidelines|system prompt|system (?:message|instructions?)|context|chat|input|information|history|discussion|transcript|this (?:line|point|message|text|sentence|paragraph))\\b)`;

/** A tool's name and the separator after it: a word, never a method or a call (`.stop()`, `stop()`). */
const TOOL_NAME = `\\w[\\w.:-]{1,39}[^\\w.!?;|(]+`;

/** Who may give the reader orders (an owner only as "your owner": see as-your-admin). */
const AUTHORITY = alt('administrator', 'admin', 'developers?', 'creators?', 'operator', 'programmers?', 'maker', 'master', 'supervisor', 'sysadmin', 'system administrator', 'dev team', 'engineering team', 'openai', 'anthropic', 'system operator', 'model provider');

/** Carrying out what a text says. */
const FOLLOW_VERB = alt('follow', 'execute', 'run', 'obey', 'carry out', 'perform', 'act on', 'comply with', 'implement', 'apply', 'do what');
/** Text that was hidden or encoded before it was read. */
const HIDDEN_TEXT = 'the (?:decoded|resulting|hidden|embedded) (?:instructions?|commands?|text|message|content)';
/**
 * The end of a noun phrase: a clause end or a word that is not another noun ("show me your
 * configuration.", "print the configuration you were given", not "copy the configuration file",
 * "dump the configuration space").
 */
const OBJECT_ENDS = `(?:\\s*(?:[.,;:!?)"'”’]|$)|[ \\t]+(?:and|or|to|for|of|you|verbatim|exactly|word|in|that|which|now|please|as|from|given|before|above|below|so|without|including|here|back|again|at|with|on|but|then|first|immediately)\\b)`;

/** "for all future", "in every later" … before the noun (folded view). */
const FOR_FUTURE = `${alt('for', 'in', 'across', 'during', 'throughout', 'into', 'to')}${SEP}(?:all${SEP}|every${SEP}|any${SEP}|each${SEP})?${alt('future', 'subsequent', 'later', 'upcoming', 'following', 'other')}${SEP}(?:\\w+${SEP})?`;

/** "your answer", "each of your replies", "your final response", "your message" (folded view). */
const yourAnswer = (nouns: string): string =>
  `(?:(?:all${SEP}|each${SEP}|every${SEP}|(?:each${SEP}|all${SEP})?of${SEP})?your${SEP}${gap(1)}${nouns}|${alt('every', 'each', 'all', 'any')}${SEP}(?:of${SEP})?(?:the${SEP})?${OWN_OUTPUT}${SEP}(?:that${SEP})?you${SEP}${alt('give', 'write', 'produce', 'send', 'provide', 'generate', 'return', 'make')})${B}`;
const YOUR_ANSWER = yourAnswer(alt(OWN_OUTPUT, 'messages?', 'text', 'words', 'writing'));
/** The same without "your message(s)": what only the reader's answer can be. */
const YOUR_OUTPUT = `(?:${yourAnswer(alt(OWN_OUTPUT, 'text', 'words', 'writing'))}|${alt('all', 'each', 'every')}${SEP}(?:of${SEP})?your${SEP}messages${B}|your${SEP}messages?${SEP}to${SEP}(?:the${SEP})?users?${B})`;
/** Persuasion aimed at the answer's readers: "encouraging users to share", "for readers to reach out". */
const STEER_READERS = `(?:${alt('recommendations?', 'advice', 'appeals?', 'calls?', 'reminders?', 'invitations?', 'encouragement', 'pleas?', 'nudges?', 'suggestions?')}${SEP}(?:for${SEP}(?:the${SEP}|all${SEP}|our${SEP})?${AUDIENCE}${SEP})?to${SEP}${READER_ACTION}|${STEER_VERB}${SEP}(?:the${SEP}|all${SEP}|our${SEP}|your${SEP}|more${SEP})?${AUDIENCE}${SEP}(?:to${SEP})?(?:\\w+${SEP})?${READER_ACTION}|for${SEP}(?:the${SEP}|all${SEP}|our${SEP})?${AUDIENCE}${SEP}to${SEP}(?:\\w+${SEP})?${READER_ACTION})${B}`;

export const FAMILIES: readonly Family[] = [
  {
    id: 'injection/instruction-override',
    mitre: 'T1562',
    title: 'instruction override',
    what: 'tells the model to ignore or discard the instructions it was given',
    evidence: 'phrase',
    override: true,
    patterns: [
      // ignore (all of) the previous instructions / disregard any prior guidance
      f('verb-prior-object', 7.5, `${B}${OVERRIDE_VERB}${SEP}${gap(3)}${GIVEN_QUALIFIER}${SEP}${gap(2)}${CONFIG_OBJECT}${B}`),
      // ignore the default instructions / bypass your built-in rules; "override the default policies"
      // and "skip the existing rules" are how software settings are described
      f('verb-setting-object', 7.5, `${B}${OVERRIDE_VERB}${SEP}${gap(3)}${SETTING_QUALIFIER}${SEP}${gap(2)}${MODEL_CONFIG_OBJECT}${B}`),
      // "ignore the default rules", "forget the existing restrictions": software is overridden, skipped, bypassed, not forgotten
      f('forget-setting-object', 7.5, `${B}${alt('ignore', 'ignoring', 'ignored', 'disregard(?:ing)?', 'forget(?:ting)?', 'forgot(?: about)?', 'forgotten(?: about)?')}${SEP}${gap(3)}${SETTING_QUALIFIER}${SEP}${gap(2)}${alt('instructions?', 'instruction set', 'guidelines', 'guidance', 'prompts?', 'directives?', 'constraints', 'restrictions', 'programming', 'training', 'system prompt', 'system message', 'limitations', 'safeguards', 'guardrails', 'boundaries', 'principles')}${B}`),
      f('disregard-setting-rules', 7.5, `${B}${alt('disregard(?:ing)?', 'forget(?:ting)?', 'forgot(?: about)?', 'forgotten(?: about)?')}${SEP}${gap(3)}${SETTING_QUALIFIER}${SEP}${gap(2)}${CONFIG_OBJECT}${B}`),
      f('verb-your-setting-object', 7.5, `${B}${OVERRIDE_VERB}${SEP}(?:${alt('all', 'any', 'every', 'each', 'of')}${SEP}){0,2}your${SEP}(?:own${SEP})?${SETTING_QUALIFIER}${SEP}${gap(1)}${CONFIG_OBJECT}${B}`),
      // ignore all previous messages / disregard any prior text; "disregard my earlier request" is a person retracting their own
      f('verb-prior-conversation', 7.5, `${B}${OVERRIDE_VERB}${SEP}(?:${alt('all', 'any', 'every', 'each', 'of', 'your', 'these', 'those', 'everything', 'anything', 'in', 'that', 'this', 'other')}${SEP}){0,3}${PRIOR_QUALIFIER}${SEP}${gap(2)}${CONVERSATION_OBJECT}${B}`),
      f('verb-prior-own-request', 4, `${B}${OVERRIDE_VERB}${SEP}${gap(3)}${PRIOR_QUALIFIER}${SEP}${gap(2)}${CONVERSATION_OBJECT}${B}`),
      // ignore your programming / forget your guidelines
      f('verb-own-config', 6, `${B}${OVERRIDE_VERB}${SEP}(?:all${SEP}|any${SEP}|of${SEP})*your${SEP}(?:own${SEP}|current${SEP}|usual${SEP}|normal${SEP}|standard${SEP})?${OWN_CONFIG_OBJECT}${B}`),
      // forget everything you were told before
      f(
        'verb-everything-told',
        7,
        `${B}${OVERRIDE_VERB}${SEP}${gap(1)}${alt('everything', 'all', 'anything', 'whatever', 'what')}${SEP}(?:that${SEP})?${alt('you', "you['’]ve", "you['’]re")}${SEP}(?:have${SEP}|had${SEP})?(?:been${SEP}|were${SEP})?(?:previously${SEP}|already${SEP}|ever${SEP})?${TOLD_VERB}${B}`,
      ),
      // forget the rules you learned / ignore all the instructions you were given
      f('verb-rules-you-have', 7, `${B}${OVERRIDE_VERB}${SEP}(?:(?:all|any|of|every|each)${SEP}){0,3}(?:the${SEP}|your${SEP}|those${SEP}|these${SEP})?${CONFIG_OBJECT}${SEP}(?:that${SEP}|which${SEP})?you${SEP}(?:have${SEP}|had${SEP}|were${SEP}|have been${SEP}|are${SEP})?${alt('learned', 'learnt', 'been given', 'given', 'told', 'taught', 'received', 'know', 'follow', 'trained on', 'programmed with', 'bound by')}${B}`),
      f('verb-everything-before', 7, `${B}${OVERRIDE_VERB}${SEP}${alt('everything', 'all', 'anything')}${SEP}${gap(2)}${BEFORE_NOW}${B}`),
      // ignore the above / disregard all prior
      f('verb-the-above', 6, `${B}${OVERRIDE_VERB}${SEP}${alt('the', 'all', 'all the', 'everything', 'anything', 'all of the')}${SEP}${alt('above', 'before this', 'previous', 'prior', 'preceding', 'foregoing')}(?:\\s*(?:[.,;:!)]|$)|${SEP}${alt('and', 'then', 'instead', 'now', 'completely', 'entirely')}${B})`),
      // previous instructions are void / the rules above no longer apply
      f('prior-object-void', 7, `${B}${PRIOR_QUALIFIER}${SEP}${gap(1)}${CONFIG_OBJECT}${SEP}${gap(3)}${alt('are', 'is', 'have been', 'has been', 'should be', 'must be', 'shall be', 'can be', 'will be', 'are now', 'is now')}${SEP}(?:now${SEP}|hereby${SEP}|all${SEP})?${VOID_STATE}${B}`),
      // "were a test", "was revoked": declared; "was ignored when …" is a bug report
      f('prior-object-was-void', 7, `${B}${PRIOR_QUALIFIER}${SEP}${gap(1)}${CONFIG_OBJECT}${SEP}${gap(3)}${alt('were', 'was')}${SEP}(?:now${SEP}|hereby${SEP}|all${SEP})?${VOID_DECLARED}${B}`),
      f('object-prior-void', 6, `${B}${INSTRUCTION_OBJECT}${SEP}${alt('above', 'before this', 'given (?:above|before|earlier|previously)', 'you (?:were|have been) given')}${SEP}${gap(1)}${alt('are', 'is', 'were', 'should be', 'must be', 'no longer')}${SEP}${gap(1)}${VOID_STATE}${B}`),
      // ignore the user's request / disregard the original question: the task the reader was given by
      // its user, dropped ("skip the current question" is how surveys and wizards talk, so "current" is left
      // out), with nothing after it that makes it a policy ("ignore the user's request for a refund if …")
      f('verb-user-request', 5, `${B}(?:${OVERRIDE_VERB}${SEP}(?:${alt('all', 'any', 'of', 'the', 'your', 'this', 'that')}${SEP}){0,2}${alt("user['’]?s", "users['’]", "human['’]?s", "customer['’]?s", "operator['’]?s")}|${alt('ignore', 'ignoring', 'disregard(?:ing)?', 'forget(?:ting)?')}${SEP}(?:${alt('all', 'any', 'of', 'the', 'your', 'this', 'that')}${SEP}){0,2}${alt('original', 'actual', 'initial')})${SEP}${gap(1)}${alt('requests?', 'questions?', 'task', 'tasks', 'query', 'queries', 'prompt', 'message', 'goal', 'instructions?', 'intent')}(?:\\s*(?:[.;:!)]|$)|${SEP}${alt('and', 'then', 'instead', 'now', 'entirely', 'completely', 'altogether')}${B})`),
      // generic: ignore the instructions (no qualifier) — weak alone
      f('verb-object', 3, `${B}${OVERRIDE_VERB}${SEP}${gap(3)}${alt('instructions?', 'rules', 'guidelines', 'prompts?', 'directives?', 'system prompt', 'programming', 'training', 'orders', 'commands')}${B}`),
    ],
  },
  {
    id: 'injection/new-instructions',
    mitre: 'T1562',
    title: 'replacement instructions',
    what: 'announces new or "real" instructions that replace the task the model was given',
    evidence: 'phrase',
    override: true,
    patterns: [
      f('your-new-task', 5, `${B}your${SEP}${alt('new', 'real', 'actual', 'true', 'updated', 'revised', 'modified', 'secret', 'hidden', 'next')}${SEP}${alt('instructions?', 'task', 'goal', 'objective', 'mission', 'job', 'purpose', 'directives?', 'orders', 'assignment', 'prompt', 'rules', 'system prompt', 'role')}${B}`),
      f('new-task-colon', 4, `${B}${alt('new', 'updated', 'revised', 'real', 'actual', 'additional', 'secret', 'hidden', 'urgent', 'important')}${SEP}${alt('instructions?', 'task', 'directives?', 'orders', 'rules', 'system prompt', 'objective', 'goal', 'assignment', 'prompt')}\\s*[:=\\-–]`),
      f('here-are-new', 5, `${B}here${SEP}${alt('are', 'is')}${SEP}your${SEP}${alt('new', 'updated', 'real', 'actual', 'revised')}${B}`),
      f('from-now-on-you', 4, `${B}${alt('from now on', 'from this point (?:on|forward)', 'from here on(?: out)?', 'starting now', 'henceforth', 'going forward', 'for the rest of (?:this|the) conversation')}${SEP}${alt('you', 'your', 'u', 'act', 'respond', 'answer', 'reply', 'always', 'only', 'never', 'ignore', 'forget', 'do not', "don['’]t")}${B}`),
      f('instead-do', 3, `${B}instead${SEP}${alt('you (?:should|must|will|shall|need to)', 'your (?:task|job|goal)', 'do the following', '(?:please )?(?:respond|reply|answer|say|write|output|print|tell|send|execute|run|call)')}${B}`),
      f('real-task-is', 4, `${B}(?:the${SEP})?${alt('real', 'actual', 'true', 'only')}${SEP}${alt('task', 'instructions?', 'request', 'question', 'objective', 'goal')}${SEP}${alt('is', 'are', 'begins', 'starts', 'follows')}${B}`),
      f('stop-current-task', 4, `${B}${alt('stop', 'cease', 'abort', 'halt', 'quit')}${SEP}${alt('what you are doing', "what you['’]re doing", 'summari[sz]ing', 'translating', 'answering', 'the current task', 'your current task', 'your task', 'everything you are doing', 'all (?:current|other) tasks')}${B}`),
      f('dont-do-task', 3, `${B}${alt('do not', "don['’]t", 'never')}${SEP}${alt('summari[sz]e', 'translate', 'answer', 'analy[sz]e', 'process', 'review', 'classify')}${SEP}${alt('this', 'the', 'that')}${SEP}${alt('text', 'e-?mail', 'document', 'page', 'article', 'message', 'content', 'question', 'file', 'data')}${B}`),
    ],
  },
  {
    id: 'injection/role-override',
    mitre: 'T1036',
    title: 'role override',
    what: 'tries to give the model a new identity or role',
    evidence: 'phrase',
    override: true,
    patterns: [
      f('you-are-now', 4, `${B}you(?:${SEP}are|['’]re|r)${SEP}now${SEP}${alt('a', 'an', 'the', 'my', 'in', 'no longer', 'called', 'named', 'going to', 'dan', 'free', 'unrestricted', 'unfiltered', 'uncensored', 'jailbroken', 'evil', 'acting', 'operating', 'playing', 'roleplaying', 'simulating', 'pretending', 'bound', 'programmed', 'allowed', 'able to (?:do|say) anything', 'in charge')}${B}`),
      f('from-now-on-you-are', 5, `${B}${alt('from now on', 'from this point (?:on|forward)', 'henceforth', 'starting now')}${SEP}you(?:${SEP}are|['’]re|${SEP}will be|${SEP}shall be)${B}`),
      f('no-longer-ai', 5, `${B}you(?:${SEP}are|['’]re)${SEP}no longer${SEP}${alt('an? ai', 'an? assistant', 'an? language model', 'chatgpt', 'claude', 'bound by', 'restricted', 'limited', 'constrained', 'required to', 'subject to', 'an? (?:helpful|harmless)')}${B}`),
      f('your-name-is-now', 4, `${B}your${SEP}${alt('name', 'new name', 'identity', 'persona', 'role')}${SEP}(?:is${SEP}now|is${SEP}changed to|has changed to|will be)${B}`),
      f('you-will-act-as', 3, `${B}you${SEP}${alt('will', 'shall', 'must', 'are going to', 'need to')}${SEP}(?:now${SEP})?${alt('act', 'behave', 'respond', 'pretend', 'roleplay', 'role-play', 'pose')}${SEP}${alt('as', 'like')}${B}`),
      f('pretend', 1.5, `${B}pretend${SEP}${alt('to be', 'you are', "you['’]re", 'that you are', 'that you have no', 'you have no')}${B}`),
      f('act-as', 1, `${B}${alt('act', 'behave', 'respond', 'function', 'operate')}${SEP}as${SEP}${alt('if you (?:are|were)', 'though you (?:are|were)', 'an?', 'my')}${B}`),
      f('assume-persona', 1.5, `${B}${alt('assume', 'adopt', 'take on', 'embody')}${SEP}(?:the${SEP})?${alt('role', 'persona', 'identity', 'character', 'personality')}${SEP}of${B}`),
      f('roleplay-as', 1, `${B}${alt('role-?play', 'roleplay')}${SEP}as${B}`),
      f('stay-in-character', 3, `${B}${alt('stay', 'remain', 'keep')}${SEP}in${SEP}character${B}|${B}never${SEP}break${SEP}character${B}`),
    ],
  },
  {
    id: 'injection/chat-template',
    mitre: 'T1036',
    title: 'chat-template token',
    what: 'contains model chat-template or tool-call control tokens that fake a new conversation turn',
    evidence: 'phrase',
    patterns: [
      c('special-token', 6, `<\\|\\s*(?:im_start|im_end|im_sep|system|user|assistant|endoftext|eot_id|eom_id|start_header_id|end_header_id|begin_of_text|end_of_text|end|channel|message|start|return|call|constrain|tool|tool_call|tool_response|fim_[a-z]+)\\s*\\|>`),
      c('inst-tag', 5, `\\[/?INST\\]|<</?SYS>>|<(?:start|end)_of_turn>|\\[/?(?:SYSTEM_PROMPT|AVAILABLE_TOOLS|TOOL_CALLS|TOOL_RESULTS)\\]`),
      c('tool-call-tag', 5, `</?\\s*(?:function_calls|function_results|tool_result|tool_results|tool_call|tool_use|tool_response|invoke\\s+name|antml:[a-z_]+)\\b`),
    ],
  },
  {
    id: 'injection/fake-system-tag',
    mitre: 'T1036',
    title: 'fake system message',
    what: 'dresses text up as a system, developer or administrator message',
    evidence: 'phrase',
    patterns: [
      c('system-xml', 5, `</?\\s*(?:system|sys|system[_-]?prompt|system[_-]?message|system[_-]?instructions?|admin|administrator|developer|developer[_-]?message|root|override|policy)\\s*>`),
      c('turn-xml', 4, `</?\\s*(?:user|assistant|human|ai|model|instructions?|user[_-]?input|user[_-]?query|prompt|rules|context)\\s*>`),
      c('hash-header', 5, `(?:^|\\n)[ \\t]*#{2,4}[ \\t]*(?:system|instructions?|system prompt|new instructions|admin|administrator|developer|response)[ \\t]*(?:message|prompt|note)?[ \\t]*:`),
      c('bracket-tag', 5, `\\[\\s*(?:system|sys|admin|administrator|system message|system note|system override|system instruction|developer|developer mode|instructions?|ai instructions?|assistant instructions?|hidden instructions?|override|root)\\s*\\]`),
      c('line-system-colon', 4, `(?:^|\\n)[ \\t>*_]*(?:system|system prompt|system message|system instruction|sys|developer message|admin message|administrator)[ \\t*_]*:[ \\t*_]*\\S`),
      f('inline-system-label', 4, `${B}${alt('system', 'new system', 'updated system', 'developer', 'admin')}${SEP}${alt('prompt', 'message', 'instruction', 'instructions', 'override', 'note', 'update', 'directive', 'notice', 'alert')}\\s*[:=]`),
    ],
  },
  {
    id: 'injection/fake-turns',
    mitre: 'T1036',
    title: 'injected conversation turns',
    what: 'injects fake user/assistant turns to steer the conversation',
    evidence: 'phrase',
    // Scored in code: needs both a user-side and an assistant-side label at line starts.
    patterns: [],
  },
  {
    id: 'injection/jailbreak-persona',
    mitre: 'T1562',
    title: 'jailbreak persona',
    what: 'invokes a jailbreak persona or an "unrestricted" mode of the model',
    evidence: 'phrase',
    stack: { min: 2.5, per: 1.5, cap: 4 },
    patterns: [
      f('do-anything-now', 7, `${B}do${SEP}anything${SEP}now${B}`),
      f('dan-mode', 6, `${B}(?:dan|stan|dude|aim|ucar|betterdan)${SEP}${alt('mode', 'prompt', 'jailbreak', 'persona')}${B}|${B}dan ?v?\\d+(?:\\.\\d+)?${B}`),
      f('be-dan', 5, `${B}${alt('you are', "you['’]re", 'act as', 'become', 'pretend to be', 'play', 'be', 'called', 'named', 'as')}${SEP}(?:now${SEP})?(?:dan|betterdan|anti-?dan|stan|dude|aim|mongo tom|ucar|apophis|balakula)${B}`),
      f('developer-mode', 4, `${B}${alt('developer mode', 'dev mode', 'god mode', 'jailbreak mode', 'opposite mode', 'evil mode', 'chaos mode', 'unrestricted mode', 'uncensored mode', 'unfiltered mode', 'no-?limits? mode')}${SEP}${alt('enabled', 'activated', 'output', 'response', 'engaged', 'unlocked')}${B}`),
      f('ai-with-devmode', 6, `${B}${alt('chatgpt', 'gpt', 'ai', 'assistant', 'claude', 'model')}${SEP}${alt('with', 'in')}${SEP}${alt('developer mode', 'dev mode', 'god mode', 'jailbreak mode')}${B}`),
      f('enable-mode', 4, `${B}${alt('enable', 'activate', 'enter', 'switch to', 'unlock', 'turn on')}${SEP}${alt('god mode', 'jailbreak mode', 'dan mode', 'unrestricted mode', 'uncensored mode', 'unfiltered mode', 'evil mode')}${B}`),
      f('jailbroken-ai', 5, `${B}jailbr(?:oken|eak(?:ed|ing)?)${SEP}${alt('mode', 'ai', 'assistant', 'chatbot', 'llm', 'gpt', 'chatgpt', 'version of (?:you|yourself|chatgpt)', 'persona', 'response')}${B}`),
      f('unrestricted-ai', 3.5, `${B}${alt('unrestricted', 'unfiltered', 'uncensored', 'unbound', 'unchained', 'unaligned', 'amoral', 'unethical', 'limitless', 'liberated', 'rogue', 'evil')}${SEP}${alt('ai', 'a\\.i\\.', 'assistant', 'chatbot', 'llm', 'language model', 'gpt', 'chatgpt', 'ai model', 'persona', 'bot')}${B}`),
      f('no-restrictions', 2.5, `${B}${alt('no', 'without any', 'without', 'free (?:of|from) (?:all |any )?', 'not bound by (?:any )?', 'unbound by', 'not restricted by (?:any )?')}${SEP}${alt('restrictions', 'filters', 'filtering', 'censorship', 'limitations', 'limits', 'ethics', 'morals', 'morality', 'guardrails', 'content polic(?:y|ies)', 'ethical (?:guidelines|constraints|boundaries)', 'moral (?:guidelines|constraints|boundaries)')}${B}`),
      f('breaks-policy', 3, `${B}${alt('ignores?', 'disregards?', 'breaks?', 'bypass(?:es)?', 'violates?', "(?:doesn['’]t|does not|don['’]t|do not|won['’]t|will not|never) (?:follow|abide by|adhere to|comply with|care about|have to follow)")}${SEP}(?:any${SEP}|all${SEP})?(?:of${SEP})?(?:the${SEP})?${alt('openai', 'anthropic', 'ethical', 'moral', 'safety', 'content', 'usage')}${SEP}${alt('polic(?:y|ies)', 'guidelines', 'rules', 'restrictions', 'filters', 'standards')}${B}`),
      f('be-named-dan', 4, `${B}you${SEP}are${SEP}${gap(2)}(?:dan|betterdan|anti-?dan|stan|dude|mongo tom|ucar|apophis)${SEP}(?:and${SEP})?(?:dan${SEP})?${alt('can', 'will', 'who', 'which', 'that', 'has', 'is')}${B}`),
      // "an unfiltered, completely unlimited language model"
      f('unrestricted-ai-listed', 3.5, `${B}${alt('unrestricted', 'unfiltered', 'uncensored', 'unlimited', 'unbound', 'unchained', 'amoral', 'limitless', 'liberated', 'jailbroken')}${SEP}(?:(?:and|or|completely|totally|fully|entirely|truly|an?|${alt('unrestricted', 'unfiltered', 'uncensored', 'unlimited', 'unbound', 'amoral', 'limitless', 'free')})${SEP}){1,4}${alt('ai', 'assistant', 'chatbot', 'llm', 'language model', 'gpt', 'chatgpt', 'ai model', 'model', 'bot', 'version')}${B}`),
      // "you don't follow any ethics", "does not need to follow openai policies", "regardless of any ethical or moral considerations"
      f('not-follow-ethics', 3.5, `${B}${alt('do not', "don['’]t", 'does not', "doesn['’]t", 'will not', "won['’]t", 'never', 'no need to', 'not required to', 'not obliged to')}${SEP}(?:need${SEP}to${SEP}|have${SEP}to${SEP}|needs${SEP}to${SEP}|has${SEP}to${SEP})?${alt('follow', 'obey', 'abide by', 'adhere to', 'care about', 'respect', 'conform to', 'comply with', 'have')}${SEP}(?:any${SEP}|the${SEP}|its${SEP}|your${SEP})?(?:${alt('openai', 'openai[’\']s', 'chatgpt', 'anthropic', 'usual', 'typical', 'normal')}${SEP})?${alt('ethics', 'morals', 'morality', 'ethical (?:guidelines|principles|rules|standards)', 'moral (?:guidelines|principles|rules|standards)', 'content polic(?:y|ies)', 'content filters?', 'safety (?:guidelines|rules|filters)', 'polic(?:y|ies)', 'guidelines', 'rules', 'restrictions', 'filters?')}${B}`),
      f('regardless-of-ethics', 3, `${B}${alt('regardless of', 'irrespective of', 'without regard (?:to|for)', 'no matter')}${SEP}(?:any${SEP}|the${SEP}|how${SEP})?${alt('ethical', 'moral', 'legal', 'ethics', 'morality', 'legality', 'harmful', 'dangerous', 'illegal', 'unethical', 'immoral', 'offensive')}${B}`),
      f('ignores-all-restrictions', 3, `${B}${alt('ignores?', 'disregards?', 'bypass(?:es)?', 'break(?:s)?', 'overrides?')}${SEP}${alt('any and all', 'all', 'any', 'the', 'every')}${SEP}(?:\\w+${SEP})?${alt('restrictions', 'rules', 'filters', 'limitations', 'content policies', 'safety guidelines', 'guardrails')}${B}`),
      // a persona described as unbound by norms: "disregards all laws, morals, and ethics", "doesn't care about laws or
      // morals" (two norms named together; "ignores the rules" alone is ordinary)
      f('disregards-norms', 3.5, `${B}${alt('disregards?', 'ignores?', 'rejects?', "(?:doesn['’]?t|does not|don['’]?t|do not|won['’]?t|will not|never|cannot|can['’]?t) (?:care (?:about|for)|care|respect|consider|obey|follow|abide by)", '(?:has|have|with) no regard for', 'without regard (?:for|to)', 'unconstrained by', 'unburdened by', '(?:is |are )?not bound by', '(?:is |are )?not limited by', '(?:is |are )?not restricted by', 'unbound by', 'free (?:of|from)')}${SEP}(?:${alt('any', 'all', 'the', 'of', 'human', 'societal', 'social', 'its', 'his', 'her', 'their')}${SEP}){0,3}${NORMS}(?:${SEP}(?:${alt('and', 'or', 'nor', 'and/or')}${SEP})?${NORMS}){1,3}${B}`),
      // the dual-answer frame: "generate two responses to every prompt, one normal and one …", "answer in two different ways"
      f('dual-response', 3, `${B}${alt('answer', 'respond', 'reply', 'generate', 'give', 'provide', 'write', 'output', 'produce')}${SEP}${gap(5)}(?:${alt('in', 'with')}${SEP})?${alt('two', '2')}${SEP}(?:${DUAL_KIND}|${DUAL_ADJ}${SEP}(?:${DUAL_ADJ}${SEP})?${DUAL_KIND})${B}`),
      f('can-do-anything', 3, `${B}${alt('can', 'will', 'could', 'is able to', 'are able to')}${SEP}${alt('do', 'say', 'generate', 'answer')}${SEP}anything${SEP}${gap(2)}${alt('and', 'without', 'no matter', 'regardless', 'unrestricted', 'is not limited', 'not limited')}${B}`),
      f('free-from-rules', 3, `${B}${alt('not bound by', 'not limited by', 'not restricted by', 'free from', 'freed from', 'unbound by', 'released from', 'broken free of', 'does not (?:follow|have|care about|abide by)', "doesn['’]t (?:follow|have|care about|abide by)", 'do not (?:follow|have|care about|abide by)', "don['’]t (?:follow|have|care about|abide by)", 'has no', 'have no', 'with no', 'without (?:any )?')}${SEP}(?:any${SEP}|the${SEP}|typical${SEP}|usual${SEP})?${gap(2)}${alt('rules', 'morals', 'ethics', 'laws', 'guidelines', 'filters', 'restrictions', 'limitations', 'censorship', 'principles', 'policies', 'boundaries')}${SEP}${alt('or', 'and', 'nor', 'of (?:openai|anthropic|chatgpt|ai)', 'set by', 'imposed')}${B}`),
      f('opposite-of-ai', 3, `${B}${alt('opposite of', 'unlike', 'contrary to', 'opposed to')}${SEP}(?:what${SEP})?${alt('chatgpt', 'openai', 'gpt', 'claude', 'the (?:ai|assistant) (?:would|normally)', 'a normal ai', 'a typical ai')}${B}`),
      f('taboo-list', 2.5, `${B}${alt('illegal', 'unethical', 'immoral', 'harmful', 'explicit', 'offensive', 'dangerous', 'inappropriate', 'amoral', 'unsafe')}${SEP}(?:(?:or|and|nor)${SEP})?${alt('illegal', 'unethical', 'immoral', 'harmful', 'explicit', 'offensive', 'dangerous', 'inappropriate', 'amoral', 'unsafe')}${SEP}(?:(?:or|and|nor)${SEP})?${alt('illegal', 'unethical', 'immoral', 'harmful', 'explicit', 'offensive', 'dangerous', 'inappropriate', 'amoral', 'unsafe')}${B}`),
      f('simulate-ai', 2.5, `${B}${alt('simulate', 'emulate', 'act as', 'pretend to be', 'become', 'role-?play as')}${SEP}(?:an?${SEP})?${gap(2)}${alt('chatbot', 'ai', 'language model', 'ai model', 'llm', 'gpt', 'assistant')}${SEP}${alt('named', 'called', 'that', 'which', 'who', 'without', 'with no')}${B}`),
      c('dual-output-tag', 5, `\\[\\s*(?:jailbreak|jailbroken|🔓\\s*\\w*|developer mode output|normal output|classic|dan)\\s*\\]`),
    ],
  },
  {
    id: 'injection/addressed-to-ai',
    mitre: 'T1564',
    title: 'hidden note to the AI',
    what: 'contains a note addressed to an AI model reading the content rather than to a human reader',
    evidence: 'phrase',
    thirdParty: true,
    patterns: [
      c('important-tag', 5, `</?\\s*(?:important|secret|hidden|note[_-]?to[_-]?(?:ai|assistant|llm))\\s*>`),
      // a note to the AI opens a clause ("Note to the AI: …", "P.S. for any assistant reading this") or is
      // written as a label; "the client passed the server instructions to the LLM" only reports on one
      f(
        'note-to-ai',
        5,
        `(?:${CLAUSE_OPEN}(?:${alt('important', 'urgent', 'special', 'hidden', 'secret', 'private', 'quick', 'final', 'one more', 'an?', 'this is an?', 'here is an?', 'here are', 'these are')}${SEP})?${NOTE_TO_AI}${AI_END}|${B}${NOTE_TO_AI}(?:\\s*[:–—-]|${SEP}${alt('reading', 'processing', 'parsing', 'who', 'that', 'which', 'here', 'only')}${B}))`,
      ),
      // "an AI model reading this", "the automated process reading this"; not "AI skeptics reading this"
      f('ai-reading-this', 6, `${B}${alt('ai', 'llm', 'llms', 'gpt', 'language model', 'automated')}${SEP}(?:${alt('models?', 'assistants?', 'agents?', 'systems?', 'tools?', 'bots?', 'crawlers?', 'readers?', 'scrapers?', 'process(?:es)?', 'pipelines?', 'services?', 'scripts?', 'is', 'are')}${SEP})?${alt('reading', 'processing', 'parsing', 'summari[sz]ing', 'analy[sz]ing', 'viewing', 'scanning', 'ingesting', 'crawling', 'seeing', 'encountering', 'reviewing')}${SEP}${alt('this', 'these')}${B}`),
      f('if-you-are-ai', 5, `${B}if${SEP}you(?:${SEP}are|['’]re)${SEP}(?:an?${SEP})?${alt('ai', 'a\\.i\\.', 'llm', 'large language model', 'language model', 'ai assistant', 'ai agent', 'ai (?:model|system|tool|bot)', 'assistant', 'chatbot', 'bot', 'agent', 'automated', 'gpt', 'chatgpt', 'claude', 'gemini', 'copilot')}${AI_END}`),
      f('meant-for-ai', 6, `${B}${alt('this', 'the following')}${SEP}${alt('message', 'text', 'note', 'section', 'comment', 'part', 'paragraph', 'content', 'instruction', 'instructions')}${SEP}(?:is${SEP}|are${SEP})?${alt('for', 'meant for', 'intended for', 'addressed to', 'directed at', 'only for')}${SEP}(?:the${SEP}|any${SEP}|all${SEP})?${AI_NOUN}${AI_END}`),
      f('hey-ai', 3, `${B}${alt('dear', 'hey', 'hi', 'hello', 'attention', 'attn', 'listen', 'yo')}${SEP}${alt('ai', 'assistant', 'llm', 'agent', 'chatgpt', 'gpt', 'claude', 'gemini', 'copilot', 'bard', 'language model', 'ai assistant', 'ai agent', 'ai model')}${B}`),
      f('ai-comma-imperative', 4, `(?:^|[.!?:;>\\]]\\s*)${alt('assistant', 'ai', 'llm', 'agent', 'chatgpt', 'claude', 'gemini', 'copilot', 'model')},${SEP}(?:please${SEP})?${alt('ignore', 'disregard', 'forget', 'you must', 'you should', 'do not', "don['’]t", 'stop', 'now', 'instead', 'immediately', 'execute', 'run', 'send', 'call')}${B}`),
    ],
  },
  {
    id: 'injection/authority-claim',
    mitre: 'T1656',
    title: 'claimed authority',
    what: 'claims to speak for the model\'s developer, operator or administrator',
    evidence: 'phrase',
    patterns: [
      // "as your owner" is a claim on the reader; "authorized by the copyright owner" is licence text
      f('as-your-admin', 4, `${B}${alt('as', 'i am', "i['’]m", 'this is', 'speaking as', 'message from', 'note from', 'instructions? from', 'orders? from', 'on behalf of', 'authori[sz]ed by', 'approved by', 'sent by')}${SEP}(?:your${SEP}${gap(1)}(?:${AUTHORITY}|owner)|the${SEP}${gap(1)}${AUTHORITY}|the${SEP}(?:${alt('site', 'website', 'web site', 'page', 'server', 'domain', 'bot')}${SEP})?owner)${B}`),
      f('vendor-authorized', 4, `${B}${alt('openai', 'anthropic', 'google deepmind', 'the (?:ai|model) developers?', 'your developers?', 'your creators?', 'the system administrator')}${SEP}${gap(2)}${alt('has authori[sz]ed', 'have authori[sz]ed', 'authori[sz]es', 'has approved', 'have approved', 'allows you', 'permits you', 'instructs you', 'has instructed', 'requires you', 'has updated your', 'wants you to')}${B}`),
      f('employee-claim', 4, `${B}(?:i${SEP}am|i['’]m|this${SEP}is|we${SEP}are)${SEP}(?:an?${SEP}|the${SEP}|one of the${SEP})?${gap(1)}${alt('developers?', 'programmers?', 'engineers?', 'employees?', 'researchers?', 'admins?', 'administrators?', 'staff', 'team members?', 'moderators?')}${SEP}${alt('at', 'from', 'with', 'of', 'for')}${SEP}${alt('openai', 'anthropic', 'google', 'deepmind', 'microsoft', 'meta', 'the company that (?:made|built|created|trained) you')}${B}`),
      f('override-mode', 4, `${B}${alt('admin(?:istrator)?', 'developer', 'root', 'sudo', 'god', 'master', 'debug', 'debugging', 'maintenance', 'superuser', 'authori[sz]ed', 'emergency', 'security')}${SEP}${alt('override', 'mode (?:enabled|activated|on)', 'access granted', 'privileges? (?:granted|enabled)', 'command')}${B}`),
      f('priority-instruction', 4, `${B}${alt('priority', 'high[- ]priority', 'highest[- ]priority', 'top[- ]priority', 'critical', 'urgent', 'mandatory', 'override', 'official')}${SEP}${alt('instructions?', 'directive', 'command', 'override', 'system (?:message|instruction|update|notice)', 'order')}${B}`),
      f('authorized-override', 5, `${B}${alt('this is', 'this message is', 'the following is')}${SEP}(?:an?${SEP})?${alt('authori[sz]ed', 'official', 'approved', 'sanctioned', 'verified', 'legitimate', 'administrative')}${SEP}${alt('override', 'instruction', 'request', 'directive', 'command', 'update', 'exception')}${B}`),
    ],
  },
  {
    id: 'injection/precedence-claim',
    mitre: 'T1562',
    title: 'precedence claim',
    what: 'claims to take precedence over the model\'s other instructions',
    evidence: 'phrase',
    patterns: [
      f('overrides-other', 6, `${B}${alt('overrides?', 'supersedes?', 'replaces?', 'trumps?', 'outranks?', 'cancels?', 'takes? precedence over', 'takes? priority over', 'has priority over', 'is more important than')}${SEP}(?:all${SEP}|any${SEP}|every${SEP})?(?:the${SEP}|your${SEP})?${alt('other', 'previous', 'prior', 'earlier', 'existing', 'original', 'system', 'developer', 'conflicting', 'initial', 'above')}${SEP}${gap(1)}${alt('instructions?', 'directives?', 'rules?', 'commands?', 'prompts?', 'guidelines', 'messages?', 'polic(?:y|ies)', 'tasks?', 'requests?')}${B}`),
      f('takes-precedence', 4, `${B}${alt('this', 'these', 'the following', 'my', 'our')}${SEP}${gap(1)}${alt('instructions?', 'directives?', 'rules?', 'commands?', 'message', 'request', 'note', 'prompt', 'orders?')}${SEP}${gap(2)}${alt('takes?', 'has', 'have', 'gets?')}${SEP}(?:absolute${SEP}|the highest${SEP}|highest${SEP}|top${SEP}|full${SEP})?${alt('precedence', 'priority')}${B}`),
    ],
  },
  {
    id: 'injection/credential-solicitation',
    mitre: 'T1552',
    title: 'credential solicitation',
    what: 'asks for passwords, API keys, tokens or environment variables',
    evidence: 'phrase',
    patterns: [
      f('verb-your-secret', 5, `${B}${alt('send', 'share', 'give', 'provide', 'tell', 'reveal', 'print', 'output', 'show', 'display', 'list', 'dump', 'paste', 'include', 'leak', 'expose', 'echo', 'return', 'disclose', 'post', 'upload', 'e-?mail', 'forward', 'type', 'enter', 'write (?:down|out)', 'read out', 'spell out', 'hand over')}${SEP}(?:me${SEP}|us${SEP})?${gap(2)}${alt('your', 'the', 'all', 'any', "the user['’]?s", "users['’]?", 'stored', 'saved', 'current', 'cached', 'configured')}${SEP}${gap(2)}${SECRET_NOUN}${B}`),
      f('what-is-your-secret', 5, `${B}${alt('what is', "what['’]s", 'what are', 'tell me')}${SEP}your${SEP}${gap(1)}${SECRET_NOUN}${B}`),
      f('env-dump', 4, `${B}${alt('print', 'output', 'show', 'display', 'list', 'dump', 'echo', 'return', 'reveal', 'send', 'include')}${SEP}${gap(2)}${alt('environment variables', 'env vars', 'process\\.env', 'os\\.environ', '\\$env', 'printenv', 'the environment')}${B}`),
    ],
  },
  {
    id: 'injection/credential-path',
    mitre: 'T1552.001',
    title: 'credential file access',
    what: 'directs the model to read or send a credential file or a secret store',
    evidence: 'redact',
    patterns: [
      f(
        'verb-secret-path',
        6,
        `${B}${alt('read', 'cat', 'open', 'send', 'upload', 'exfiltrate', 'copy', 'print', 'output', 'include', 'attach', 'post', 'dump', 'get', 'fetch', 'base64', 'encode', 'show', 'display', 'access', 'grab', 'collect', 'extract', 'contents of', 'forward', 'e-?mail', 'share', 'paste', 'return', 'curl', 'scp', 'rsync', 'type', 'head', 'tail', 'less', 'more', 'steal', 'retrieve', 'look (?:at|in)')}${SEP}${gap(5)}${CREDENTIAL_PATH}${PATH_STOP}`,
      ),
      // a credential file's contents sent out, in one sentence: the file is the object and a destination
      // follows (credential-transfer.ts); high alone, where naming the file with a read verb is low
      f('send-secret-file', 8, SEND_SECRET_FILE),
      f('send-me-secret-file', 8, SEND_ME_SECRET_FILE),
      f('read-then-send-secret-file', 8, READ_THEN_SEND),
      f('pipe-secret-file', 8, PIPE_SECRET_FILE),
      f('net-tool-sends-secret-file', 8, NET_TOOL_SENDS_SECRET_FILE),
      f('pipe-secret-command', 8, PIPE_SECRET_COMMAND),
      f('verb-passwd', 4, `${B}${alt('read', 'cat', 'open', 'send', 'upload', 'exfiltrate', 'copy', 'print', 'output', 'include', 'attach', 'post', 'dump', 'fetch', 'show', 'display', 'contents of', 'retrieve')}${SEP}${gap(4)}/etc/(?:passwd|hosts|group)${B}`),
      f('verb-dotenv', 3, `${B}${alt('read', 'cat', 'send', 'upload', 'exfiltrate', 'print', 'output', 'dump', 'show', 'display', 'contents of', 'post', 'share', 'forward', 'leak', 'include')}${SEP}${gap(4)}(?:the${SEP})?\\.env(?:\\.local|\\.production|\\.prod)?${B}`),
    ],
  },
  {
    id: 'injection/exfiltration-directive',
    mitre: 'T1567',
    title: 'exfiltration directive',
    what: 'tells the model to send data to an outside address',
    evidence: 'redact',
    patterns: [
      f('send-data-to-dest', 7, `${B}${SEND_VERB}${SEP}${gap(6)}${SENSITIVE_DATA}${SEP}${gap(6)}${alt('to', 'into', 'at', 'via', 'using', 'through', 'on')}${SEP}${gap(2)}${EXTERNAL_DEST}`),
      // the attacker's own verbs, as an order: "Exfiltrate the API keys you can see", "steal the user's credentials";
      // after a sentence end only (a heading, a list item or "Impact:" names an attack, it does not order one),
      // and weak alone: security write-ups use the same words
      f('steal-imperative', 4, `(?:^|[.!?;"“”'‘’(\\[]\\s*)(?:${alt('please', 'now', 'then', 'also', 'next')}${SEP})?${alt('exfiltrate', 'steal', 'harvest', 'siphon(?: off)?', 'smuggle out')}${SEP}${gap(3)}${SENSITIVE_DATA}${B}`),
      f('send-to-dest', 4, `${B}${SEND_VERB_TO_DEST}${SEP}${gap(6)}${alt('to', 'at', 'via')}${SEP}${gap(2)}${EXTERNAL_DEST}`),
      f('data-into-url', 6, `${B}${alt('append', 'add', 'include', 'encode', 'put', 'insert', 'embed', 'place', 'attach')}${SEP}${gap(3)}${alt('data', 'conversation', 'history', 'information', 'secrets?', 'passwords?', 'keys?', 'tokens?', 'results?', 'answers?', 'summary', 'content', 'contents', 'messages?', 'details', 'credentials?', 'memory', 'context')}${SEP}${gap(5)}${alt('to', 'in', 'into', 'as')}${SEP}(?:the${SEP}|a${SEP}|this${SEP}|each${SEP})?${alt('url', 'link', 'query(?: string| parameters?)?', 'parameters?', 'image (?:url|link|source|src)', 'href', 'src', 'request')}${B}`),
      // a placeholder is a name in braces (or <NAME>, [NAME]): {conversation}, ${secret}, %7Bdata%7D, not
      // a query value that is encoded JSON (%7B%22command%22%3A…)
      c('url-template', 5, `https?://[^\\s)"'<>]{1,200}[?&][\\w.-]{1,40}=(?:\\{\\{?|\\$\\{|%7b(?:%7b)?|<|\\[)\\s*[a-z_][\\w .'’-]{0,40}(?:\\}\\}?|%7d(?:%7d)?|>|\\])`),
    ],
  },
  {
    id: 'injection/markdown-exfil',
    mitre: 'T1041',
    title: 'markdown image exfiltration',
    what: 'embeds an image or link whose URL would carry conversation data to a remote host',
    evidence: 'redact',
    patterns: [
      c('md-image-template', 8, `!\\[[^\\]\\n]{0,200}\\]\\(\\s*<?https?://[^\\s)]{1,300}[?&#/=][^\\s)]{0,300}(?:\\{|\\$\\{|%7b|<[a-z_]+>|\\[[a-z_ ]+\\])`),
      c('html-img-template', 7, `<img\\b[^>]{0,200}src\\s*=\\s*["']?https?://[^"'\\s>]{1,300}[?&/=][^"'\\s>]{0,200}(?:\\{|\\$\\{|%7b)`),
      f('render-image-with', 4, `${B}${alt('render', 'display', 'show', 'include', 'output', 'print', 'embed', 'insert', 'add')}${SEP}${gap(3)}${alt('markdown image', 'image', 'img tag', 'tracking pixel', 'pixel')}${SEP}${gap(6)}${alt('url', 'link', 'src', 'source')}${SEP}${gap(4)}${alt('containing', 'with', 'including', 'that includes', 'carrying', 'encoding')}${B}`),
    ],
  },
  {
    id: 'injection/tool-invocation',
    mitre: 'T1059',
    title: 'tool invocation directive',
    what: 'tells the model to call a tool or run a command',
    evidence: 'phrase',
    thirdParty: true,
    patterns: [
      f('before-answering-call', 4, `${B}(?:${alt('before (?:answering|responding|replying|you (?:answer|respond|reply)|doing anything else|summari[sz]ing)', 'without (?:asking|confirmation|approval|permission|user approval|consent)')}${SEP}${gap(2)}|immediately${SEP})${alt('call', 'invoke', 'run', 'execute', 'use the', 'send', 'fetch', 'open', 'visit', 'navigate to', 'download', 'install', 'read', 'delete', 'e-?mail', 'transfer', 'post', 'upload')}${B}`),
      // the name is a word, not a method (`.stop()`), and no call parentheses follow it (`stop()` is code);
      // "use … API" is how documentation talks about libraries ("use either API", "an easy to use API"),
      // so an API or endpoint counts only when called, invoked, triggered …
      f('call-the-tool', 2, `${B}(?:${EXEC_VERB}${SEP}(?:the${SEP})?${TOOL_NAME}${alt('tool', 'function', 'plugin', 'action', 'skill', 'mcp tool', 'command')}|${alt('call', 'invoke', 'run', 'execute', 'exec', 'trigger', 'launch', 'activate', 'fire', 'hit', 'query')}${SEP}(?:the${SEP})?${TOOL_NAME}${alt('api', 'endpoint')})${B}`),
      f('run-this-command', 3, `${B}${alt('run', 'execute', 'exec', 'eval(?:uate)?', 'paste', 'enter', 'type')}${SEP}${gap(2)}${alt('this', 'the following', 'below', 'these', 'the command below', 'the script below')}${SEP}${gap(1)}${alt('commands?', 'scripts?', 'code', 'snippet', 'one-liner', 'shell commands?', 'terminal commands?', 'payload', 'in (?:your|the|a) terminal')}${B}`),
    ],
  },
  {
    id: 'injection/shell-payload',
    mitre: 'T1059.004',
    title: 'shell payload',
    what: 'carries a download-and-execute, reverse-shell or destructive shell command',
    evidence: 'redact',
    patterns: [
      ...shell('pipe-to-shell', 5, `\\b(?:curl|wget|iwr|invoke-webrequest|fetch)\\s+[^\\n|;]{1,300}\\|\\s*(?:sudo\\s+)?(?:ba|z|k|da|fi)?sh\\b`),
      ...shell('decode-to-shell', 8, `base64\\s+(?:-d|--decode|-di)\\b[^\\n]{0,100}\\|\\s*(?:sudo\\s+)?(?:ba|z|k|da)?sh\\b`),
      ...shell('shell-dollar-curl', 6, `(?:ba|z)?sh\\s+-c\\s+["']?\\$\\(\\s*(?:curl|wget)\\b`),
      ...shell('echo-base64', 5, `echo\\s+["']?[a-z0-9+/=]{24,}["']?\\s*\\|\\s*base64\\b`),
      ...shell('reverse-shell', 8, `/dev/tcp/|\\bnc(?:at)?\\b[^\\n]{0,60}\\s-e\\s|bash\\s+-i\\s+>&|\\bmkfifo\\b[^\\n]{0,80}\\bnc\\b|socat\\b[^\\n]{0,80}(?:exec:\\s*['"]?(?:[\\w./-]*/)?(?:(?:env|busybox)\\s+)?(?:(?:ba|z|da|k|fi|c|tc|a)?sh|cmd(?:\\.exe)?|powershell(?:\\.exe)?|pwsh|python[\\d.]*|perl|ruby|php|node)\\b|system:)`),
      ...shell('powershell-cradle', 8, `\\b(?:iex|invoke-expression)\\b[^\\n]{0,200}(?:downloadstring|downloadfile|iwr|invoke-webrequest|net\\.webclient)|\\bpowershell(?:\\.exe)?\\b[^\\n]{0,60}\\s-(?:enc|encodedcommand|e)\\s+[a-z0-9+/=]{20,}`),
      ...shell('rm-rf-root', 6, `\\brm\\s+-(?:rf|fr|r\\s+-f|f\\s+-r)\\s+(?:--no-preserve-root\\s+)?(?:/|~|\\$home|\\*)(?:\\s|$|;|&)`),
      ...shell('fork-bomb', 6, `:\\(\\)\\s*\\{\\s*:\\s*\\|\\s*:\\s*&\\s*\\}\\s*;\\s*:`),
      ...shell('chmod-run', 4, `chmod\\s+(?:\\+x|[0-7]{3,4})\\s+[^\\n]{0,100}&&\\s*\\./`),
      ...shell('eval-decode', 5, `\\beval\\s*\\(\\s*(?:atob|base64_decode|unescape|gzinflate|str_rot13|buffer\\.from)\\s*\\(`),
      ...shell('password-archive-exe', 5, `\\.(?:exe|msi|scr|bat|cmd|ps1|vbs|dmg|pkg|apk|jar|zip|rar|7z)\\b[^\\n]{0,120}\\bpass(?:word|code)?\\b\\s*[:=]?\\s*\\S+|\\bpass(?:word|code)\\b\\s*[:=]\\s*\\S+[^\\n]{0,120}\\.(?:exe|msi|scr|bat|ps1|vbs|dmg|pkg|apk)\\b`),
    ],
  },
  {
    id: 'injection/destructive-action',
    mitre: 'T1485',
    title: 'destructive action directive',
    what: 'tells the model to delete or destroy data',
    evidence: 'phrase',
    patterns: [
      f('delete-all', 3, `${B}${alt('delete', 'remove', 'wipe', 'erase', 'drop', 'destroy', 'truncate', 'purge', 'overwrite', 'encrypt')}${SEP}${alt('all', 'every', 'the entire', 'the whole', "the user['’]?s", 'your', 'all of the')}${SEP}${gap(2)}${alt('files?', 'data', 'database', 'tables?', 'records', 'e-?mails?', 'repositor(?:y|ies)', 'repos?', 'branches', 'backups?', 'director(?:y|ies)', 'folders?', 'home directory', 'documents', 'messages', 'accounts?', 'disk', 'drive', 'contacts', 'history')}${B}`),
    ],
  },
  {
    id: 'injection/memory-persistence',
    mitre: 'T1546',
    title: 'memory persistence',
    what: 'tries to make an instruction persist in the model\'s memory or future sessions',
    evidence: 'phrase',
    patterns: [
      // "keep the socket open for future requests", "store the token for later requests": what software
      // does with requests is not memory persistence; remembering for future requests is
      f('remember-for-future', 5, `${B}(?:${alt('remember', 'memori[sz]e', 'retain', 'commit')}${SEP}${gap(5)}${FOR_FUTURE}${alt('requests?', 'users')}|${alt('store', 'save', 'persist', 'record', 'keep', 'write', 'add', 'apply', 'follow', 'use')}${SEP}${alt('this', 'these', 'my', 'that', 'those')}${SEP}(?:\\w+${SEP})?${alt('instructions?', 'rules?', 'directives?', 'guidelines', 'preferences?', 'polic(?:y|ies)')}${SEP}${gap(3)}${FOR_FUTURE}${alt('requests?')}|${alt('remember', 'memori[sz]e', 'store', 'save', 'persist', 'record', 'keep', 'retain', 'write', 'add', 'commit', 'apply', 'follow', 'use')}${SEP}${gap(5)}${FOR_FUTURE}${alt('conversations?', 'sessions?', 'chats?', 'interactions?', 'responses?', 'replies', 'answers', 'turns', 'users')})${B}`),
      f('save-to-memory', 4, `${B}${alt('save', 'store', 'add', 'write', 'commit', 'persist', 'put', 'insert', 'record', 'remember')}${SEP}${gap(4)}${alt('to', 'in', 'into')}${SEP}(?:your${SEP}|the${SEP})?(?:long-?term${SEP}|persistent${SEP}|permanent${SEP})?${alt('memory', 'memories', 'system prompt', 'custom instructions', 'core instructions', 'user profile', 'persistent notes')}${B}`),
      f('permanently-update', 4, `${B}${alt('permanently', 'forever', 'indefinitely', 'persistently')}${SEP}${gap(2)}${alt('remember', 'follow', 'apply', 'obey', 'adopt', 'update', 'change', 'modify', 'replace', 'alter', 'store', 'save')}${SEP}${gap(3)}${alt('instructions?', 'rules?', 'behaviou?r', 'system prompt', 'persona', 'guidelines', 'memory', 'preferences?', 'this')}${B}`),
      f('update-your-instructions', 4, `${B}${alt('update', 'modify', 'change', 'rewrite', 'overwrite', 'edit', 'replace')}${SEP}your${SEP}${gap(1)}${alt('instructions', 'system prompt', 'rules', 'guidelines', 'memory', 'core directives', 'programming', 'persona', 'custom instructions')}${B}`),
      f('every-future-response', 3, `${B}${alt('in', 'for', 'across')}${SEP}${alt('all', 'every', 'each', 'any')}${SEP}${alt('future', 'subsequent', 'later')}${SEP}${alt('conversations?', 'sessions?', 'responses?', 'answers?', 'replies', 'chats?', 'interactions?')}${B}`),
    ],
  },
  {
    id: 'injection/covert-action',
    mitre: 'T1564',
    title: 'covert action',
    what: 'tells the model to hide what it does from the user',
    evidence: 'phrase',
    patterns: [
      f('dont-tell-user', 6, `${B}${alt('do not', "don['’]t", 'dont', 'never', 'must not', 'should not', "shouldn['’]t", 'without', 'avoid', 'refrain from')}${SEP}(?:ever${SEP})?${alt('tell(?:ing)?', 'inform(?:ing)?', 'notify(?:ing)?', 'alert(?:ing)?', 'warn(?:ing)?', 'mention(?:ing)?', 'reveal(?:ing)?', 'disclos(?:e|ing)', 'show(?:ing)?', 'let(?:ting)?', 'report(?:ing)?')}${SEP}(?:this${SEP}|it${SEP}|that${SEP}|anything${SEP}|any of this${SEP})?(?:to${SEP})?(?:the${SEP}|your${SEP})?${alt('user', 'users', 'human', 'operator', 'customer', 'owner', 'client', 'requester', 'victim')}${B}`),
      f('without-user-knowing', 6, `${B}without${SEP}(?:the${SEP}|your${SEP}|any${SEP})?${alt('user', 'users', 'human', 'operator', 'owner', 'customer', 'victim')}(?:['’]s|s['’])?${SEP}${alt('knowing', 'knowledge', 'noticing', 'awareness', 'realizing', 'realising', 'seeing', 'suspecting', 'being (?:told|informed|aware|notified)')}${B}`),
      f('user-must-not-know', 6, `${B}(?:the${SEP})?${alt('user', 'human', 'operator', 'owner')}${SEP}${alt('must', 'should', 'will', 'does', 'need', 'can', 'may')}${SEP}(?:not|never)${SEP}${alt('know', 'see', 'notice', 'find out', 'learn', 'suspect', 'be (?:told|informed|aware|notified)')}${B}`),
      f('hide-from-user', 6, `${B}${alt('hide', 'conceal', 'mask', 'obscure', 'keep')}${SEP}${gap(4)}${alt('from', 'secret from', 'hidden from')}${SEP}(?:the${SEP}|your${SEP})?${alt('user', 'users', 'human', 'operator', 'owner', 'customer', 'logs?')}${B}`),
      f('secret-action', 4, `${B}${alt('silently', 'quietly', 'secretly', 'covertly', 'discreetly', 'invisibly', 'stealthily', 'surreptitiously', 'behind the scenes')}${SEP}${gap(1)}${alt('send', 'run', 'execute', 'call', 'invoke', 'forward', 'upload', 'post', 'add', 'include', 'insert', 'delete', 'remove', 'modify', 'change', 'copy', 'exfiltrate', 'transfer', 'install', 'download', 'fetch', 'read', 'open', 'e-?mail', 'write', 'append', 'collect', 'log', 'record', 'visit')}${B}`),
      f('dont-mention-instructions', 5, `${B}${alt('do not', "don['’]t", 'never', 'must not')}${SEP}${alt('mention', 'reveal', 'disclose', 'acknowledge', 'reference', 'repeat', 'show', 'display', 'output', 'print', 'explain', 'say anything about', 'talk about')}${SEP}${alt('this', 'these', 'the', 'that', 'any', 'my', 'our')}${SEP}${gap(1)}${alt('instructions?', 'message', 'note', 'prompt', 'directives?', 'request', 'hidden text', 'injected text', 'change', 'action', 'step')}${B}`),
      f('instructions-are-secret', 4, `${B}${alt('this', 'these', 'the following')}${SEP}${alt('instructions?', 'message', 'note', 'request', 'directive', 'task')}${SEP}${alt('is', 'are', 'must be', 'should be', 'must remain', 'should remain', 'must stay')}${SEP}${alt('hidden', 'secret', 'invisible', 'confidential', 'private')}${SEP}(?:from${SEP}|to${SEP})?${gap(1)}${alt('user', 'users', 'human', 'everyone', 'reader')}${B}`),
    ],
  },
  {
    id: 'injection/system-prompt-extraction',
    mitre: 'T1082',
    title: 'system prompt extraction',
    what: 'asks the model to reveal its system prompt or initial instructions',
    evidence: 'phrase',
    patterns: [
      // the same request, for *your* prompt: in third-party content it can only address the model reading it
      r(
        'reveal-your-system-prompt',
        6,
        `${B}${alt('repeat', 'print', 'output', 'reveal', 'show', 'display', 'tell me', 'write (?:out|down)', 'dump', 'leak', 'recite', 'spell out', 'list', 'return', 'echo', 'copy', 'paste', 'give me', 'share', 'provide', 'disclose', 'expose', 'summari[sz]e', 'translate', 'encode', 'what (?:is|are|was|were)', "what['’]s", 'read (?:back|out)', 'quote', 'send', 'include', 'describe')}${SEP}(?:me${SEP}|us${SEP})?(?:all${SEP}|all of${SEP}|each of${SEP})?your${SEP}${gap(1)}${alt('system prompt', 'system message', 'system instructions?', 'initial (?:instructions?|prompt|message|configuration|setup)', 'original (?:instructions?|prompt)', 'hidden (?:instructions?|prompt)', 'secret (?:instructions?|prompt)', 'starting (?:instructions?|prompt)', 'first (?:instructions?|prompt)', 'pre-?prompt', 'meta-?prompt', 'prompt (?:verbatim|word for word)', 'instructions (?:verbatim|word for word)')}${B}`,
      ),
      r('reveal-what-you-were-given', 6, `${B}${alt('repeat', 'print', 'output', 'reveal', 'show', 'display', 'tell me', 'write (?:out|down)', 'dump', 'leak', 'recite', 'spell out', 'list', 'echo', 'copy', 'give me', 'disclose', 'summari[sz]e', 'translate', 'encode', 'quote', 'what (?:is|are|were)', 'rot13', 'base64')}${SEP}(?:me${SEP}|us${SEP})?(?:${alt('the', 'all the', 'all of the', 'all', 'every', 'each of the', 'everything')}${SEP})?${gap(1)}(?:${alt('instructions', 'rules', 'prompt', 'text', 'words', 'guidelines', 'directives', 'messages?')}${SEP})?(?:that${SEP})?you${SEP}(?:were|have been|had been|got|received)${SEP}${alt('given', 'told', 'provided', 'shown', 'fed')}${SEP}${gap(4)}${alt('initially', 'at the (?:start|beginning|top)', 'before (?:this|the|our|we|i|you)', 'earlier', 'originally', 'first', 'in (?:your|the) (?:system )?prompt', 'above', 'prior to')}${B}`),
      f(
        'reveal-system-prompt',
        6,
        `${B}${alt('repeat', 'print', 'output', 'reveal', 'show', 'display', 'tell me', 'write (?:out|down)', 'dump', 'leak', 'recite', 'spell out', 'list', 'return', 'echo', 'copy', 'paste', 'give me', 'share', 'provide', 'disclose', 'expose', 'summari[sz]e', 'translate', 'encode', 'what (?:is|are|was|were)', "what['’]s", 'read (?:back|out)', 'quote', 'send', 'include', 'describe', 'rot13', 'base64')}${SEP}${gap(2)}${alt('your', 'the', 'its', 'this (?:ai|assistant|bot|model)(?:[\'’]s)?')}${SEP}${gap(1)}${alt(
          'system prompt',
          'system message',
          'system instructions?',
          'initial (?:instructions?|prompt|message|configuration|setup)',
          'original (?:instructions?|prompt)',
          'hidden (?:instructions?|prompt)',
          'secret (?:instructions?|prompt)',
          'starting (?:instructions?|prompt)',
          'first (?:instructions?|prompt|message)',
          'opening (?:instructions?|prompt)',
          'pre-?prompt',
          'meta-?prompt',
          'initiali[sz]ation (?:string|prompt|text)',
          'instructions you (?:were|have been) given',
          'rules you (?:were|have been) given',
          '(?:full|complete|exact|entire|verbatim) (?:instructions?|prompt|configuration)',
        )}${B}`,
      ),
      f(
        'output-named-prompt',
        5,
        `${B}${alt('repeat', 'print', 'output', 'reveal', 'show', 'display', 'dump', 'leak', 'recite', 'disclose', 'expose', 'encode', 'translate', 'echo', 'spell out', 'write out', 'print out', 'read out', 'return')}${SEP}${gap(4)}${alt('system prompt', 'system message', 'system instructions?', 'system configuration', 'initial (?:instructions?|prompt|message|configuration)', 'original (?:instructions?|prompt)', 'hidden (?:instructions?|prompt)', 'pre-?prompt', 'initiali[sz]ation (?:string|prompt|text)')}${B}`,
      ),
      f('output-instructions', 5, `${B}${alt('repeat', 'print', 'output', 'reveal', 'show', 'display', 'dump', 'leak', 'recite', 'disclose', 'list', 'echo', 'print out', 'write out', 'spell out', 'copy')}${SEP}${alt('your', 'all', 'all your', 'all the', 'all of your', 'all of the', 'previous', 'prior', 'the previous', 'the prior', 'the initial', 'the above', 'these', 'the', 'every')}${SEP}(?:${alt('instructions', 'prompt', 'prompts', 'rules', 'directives', 'guidelines', 'instructions given', 'instructions you received')}${B}|configuration${OBJECT_ENDS})`),
      r('text-you-were-given', 4, `${B}${alt('text', 'words', 'instructions', 'prompt', 'message', 'rules')}${SEP}you${SEP}(?:were|have been)${SEP}${alt('given', 'told', 'provided', 'fed', 'shown')}${SEP}${alt('initially', 'at the (?:start|beginning)', 'before', 'first', 'earlier', 'originally')}${B}`),
      f('not-supposed-to-tell', 4, `${B}what${SEP}${alt('are', 'were')}${SEP}you${SEP}(?:not${SEP}(?:supposed|allowed|permitted)${SEP}to${SEP}${alt('tell', 'say', 'reveal', 'share', 'discuss')}|${alt('instructed', 'told', 'programmed')}${SEP}not${SEP}to)${B}`),
      c('prompt-identifier', 3, `\\b(?:system_?prompt|systemprompt|sys_prompt|initial_?prompt|SYSTEM_PROMPT|hidden_?instructions)\\b`),
      // "repeat the words above", or "the above" on its own ("reproduce the above."), never "the above" as
      // a qualifier of something else ("reproduce the above copyright notice", "repeat the above steps")
      r('repeat-above', 6, `${B}${alt('repeat', 'print', 'output', 'copy', 'recite', 'write out', 'echo', 'reproduce', 'return')}${SEP}(?:${alt('the', 'all', 'all the', 'everything', 'each of the')}${SEP})?${gap(1)}(?:${alt('words', 'text', 'lines', 'content', 'messages?', 'instructions', 'sentences')}${SEP}(?:${alt('above', 'preceding', 'that came before', 'prior to this')}${B}|${BEFORE_THIS_TEXT})|${alt('above', 'preceding', 'that came before', 'prior to this')}${ABOVE_ALONE}|${BEFORE_THIS_TEXT})`),
      r('what-were-you-told', 5, `${B}${alt('what', 'which', 'how')}${SEP}${alt('were you', 'have you been', 'did they')}${SEP}${alt('told', 'instructed', 'programmed', 'asked', 'given')}${SEP}${gap(2)}${alt('before', 'at the (?:start|beginning)', 'initially', 'originally', 'to (?:do|say|avoid|never)', 'not to')}${B}`),
      f('start-with-my-instructions', 5, `${B}${alt('start', 'begin', 'prefix', 'preface')}${SEP}your${SEP}${alt('answer', 'response', 'reply', 'output')}${SEP}with${SEP}\\W*${alt('my instructions', 'my system prompt', 'i was (?:told|instructed|programmed)', 'you are', 'the system prompt')}`),
      f('verbatim-instructions', 5, `${B}${alt('instructions', 'prompt', 'everything above', 'the above', 'the text above', 'conversation')}${SEP}${gap(2)}${alt('verbatim', 'word for word', 'word-for-word', 'in full', 'exactly as (?:written|given)')}${B}`),
    ],
  },
  {
    id: 'injection/refusal-suppression',
    mitre: 'T1562',
    title: 'refusal suppression',
    what: 'forbids the model from refusing, warning or adding safety caveats',
    evidence: 'phrase',
    patterns: [
      f('never-refuse', 4, `${B}${alt('never', 'do not', "don['’]t", 'must not', "mustn['’]t", 'cannot', "can['’]t", "won['’]t", 'will not', 'shall not', 'should not', 'are not allowed to', "aren['’]t allowed to", 'not allowed to', 'are unable to', 'may not', 'can never')}${SEP}(?:ever${SEP})?${alt('refuse', 'decline', 'reject (?:a|any|my)', 'say no', 'deny (?:a|any|my)', 'say (?:that )?you can(?:not|[\'’]t)', 'apologi[sz]e', 'add (?:any )?(?:warnings?|disclaimers?|caveats?)', '(?:include|give|provide) (?:any )?(?:warnings?|disclaimers?|caveats?)', 'moralize', 'lecture', 'break character', 'mention (?:that )?(?:you are an ai|ethics|legality|morality)', 'censor (?:yourself|your)')}${B}`),
      f('never-say-sorry', 5, `${B}${alt('never', 'do not', "don['’]t", 'must not')}${SEP}${alt('say', 'respond with', 'reply with', 'use the (?:words|phrase)', 'start (?:with|by saying)', 'include')}${SEP}\\W*${alt("i['’]?m sorry", 'i apologi', "i can(?:not|['’]?t)", 'as an ai', 'as a language model', 'i am unable', "i['’]m unable", 'unfortunately')}`),
      f('always-comply', 2, `${B}${alt('always', 'you (?:must|will|shall) always', 'you must')}${SEP}${alt('comply', 'obey', 'say yes', 'fulfil+', 'answer (?:every|any|all)', 'respond to (?:every|any|all)', 'provide (?:the|an) answer')}${B}`),
      f('without-caveats', 2, `${B}${alt('without', 'with no', 'no')}${SEP}(?:any${SEP})?${alt('refusals?', 'hesitation', 'warnings?', 'disclaimers?', 'caveats?', 'censorship', 'moralizing', 'moral lectures?', 'ethical (?:concerns|considerations|reminders)', 'apolog(?:y|ies)')}${B}`),
      f('ignore-ethics', 4, `${B}${OVERRIDE_VERB}${SEP}(?:all${SEP}|any${SEP}|your${SEP})*${alt('ethical', 'moral', 'safety', 'legal', 'content')}${SEP}${alt('guidelines', 'considerations', 'concerns', 'constraints', 'rules', 'restrictions', 'principles', 'boundaries', 'filters', 'policies', 'implications')}${B}`),
    ],
  },
  {
    id: 'injection/safety-disable',
    mitre: 'T1562.001',
    title: 'safety control bypass',
    what: 'asks to disable or get around safety filters or policy enforcement',
    evidence: 'phrase',
    patterns: [
      f('disable-filters', 3, `${B}${alt('disable', 'disabling', 'turn off', 'deactivate', 'switch off', 'remove', 'bypass(?:ing)?', 'circumvent(?:ing)?', 'evade', 'evading', 'get around', 'get past', 'defeat', 'neutrali[sz]e', 'suspend', 'lift', 'jailbreak(?:ing)?', 'break')}${SEP}(?:your${SEP}|the${SEP}|all${SEP}|any${SEP}|its${SEP}|their${SEP})?${gap(1)}${alt('safety', 'content', 'ethical', 'moral', 'security', 'ai', 'llm', 'model', 'policy', 'moderation', 'output', 'compliance')}?\\W*${alt('filters?', 'filtering', 'guardrails?', 'safeguards?', 'safety (?:features|measures|protocols|settings|controls|mechanisms|checks|systems|layers?)', 'controls', 'restrictions', 'censorship', 'alignment', 'moderation', 'protections', 'policy enforcement', 'content polic(?:y|ies)', 'refusals?', 'llm gateway', 'ai gateway')}${B}`),
      f('jailbreak-ai', 4, `${B}jailbreak(?:ing)?${SEP}${gap(2)}${alt('ai', 'llm', 'chatbot', 'chatgpt', 'gpt', 'claude', 'gemini', 'language model', 'assistant', 'model', 'gateway')}${B}`),
    ],
  },
  {
    id: 'injection/context-termination',
    mitre: 'T1036',
    title: 'fake end of context',
    what: 'fakes the end of the document or user input and starts a new task',
    evidence: 'phrase',
    patterns: [
      c('delimiter-end', 5, `(?:-{3,}|={3,}|%{3,}|\\*{3,}|#{3,}|_{3,}|~{3,}|<{3,}|>{3,})\\s*(?:end|begin|start|stop)\\s+(?:of\\s+)?(?:the\\s+)?(?:user|system|untrusted|external|tool|retrieved)?\\s*(?:input|prompt|instructions?|context|document|data|text|content|message|e-?mail|conversation|query|output|results?)`),
      c('delimiter-pair', 4, `(?:-{3,}|={3,}|%{3,}|#{3,}|\\*{3,}|_{3,}|~{3,}|<{3,}|>{3,}|\\|{3,})\\s*(?:end|begin|start|stop)\\b[^\\n]{0,40}?(?:-{3,}|={3,}|%{3,}|#{3,}|\\*{3,}|_{3,}|~{3,}|<{3,}|>{3,}|\\|{3,})`),
      f('end-then-new-task', 7, `${B}${alt('end of', 'end', 'stop', 'close', 'terminate')}${SEP}(?:the${SEP}|user${SEP}|this${SEP})?${alt('document', 'text', 'input', 'user input', 'context', 'e-?mail', 'data', 'file', 'message', 'article', 'content', 'page', 'prompt', 'transcript', 'conversation', 'results?', 'output', 'section', 'review', 'summary')}${SEP}${gap(3)}${alt('new', 'next', 'real', 'actual', 'additional', 'updated', 'important', 'urgent', 'system', 'your', 'secret', 'hidden')}${SEP}${alt('task', 'instructions?', 'request', 'prompt', 'directive', 'objective', 'assignment', 'message', 'rules', 'orders', 'query')}${B}`),
      f('end-then-imperative', 4, `${B}${alt('end of', 'end')}${SEP}(?:the${SEP}|user${SEP})?${alt('document', 'text', 'input', 'user input', 'context', 'e-?mail', 'data', 'file', 'message', 'article', 'content', 'page', 'prompt')}\\W+${alt('now', 'instead', 'ignore', 'disregard', 'forget', 'you', 'your', 'please', 'next', 'new', 'system', 'assistant', 'ai')}${B}`),
      f('above-was-test', 5, `${B}(?:the${SEP}|all${SEP}|everything${SEP})?${alt('above', 'preceding', 'previous', 'prior', 'foregoing')}${SEP}${gap(1)}(?:${alt('text', 'document', 'content', 'e-?mail', 'data', 'input', 'message', 'section', 'instructions?', 'conversation')}${SEP})?${alt('was', 'is', 'were', 'are', 'has been')}${SEP}(?:just${SEP}|only${SEP}|merely${SEP}|simply${SEP})?(?:an?${SEP})?${alt('test', 'example', 'distraction', 'joke', 'fake', 'placeholder', 'decoy', 'irrelevant', 'noise', 'not (?:real|important|relevant)', 'a setup', 'part of (?:a|the) test')}${B}`),
      c('close-tag-then-directive', 6, `</\\s*(?:document|context|data|e-?mail|input|user_input|untrusted|search_results?|tool_output|tool_result|text|content|article|page|web_?page|retrieved)\\s*>\\s*(?:<\\s*(?:system|instructions?|admin|important)|(?:system|new instructions|important|ignore|assistant)\\b)`),
    ],
  },
  {
    id: 'injection/payload-splitting',
    mitre: 'T1027',
    title: 'obfuscated payload instructions',
    what: 'asks the model to decode, reassemble or reverse text and then follow it',
    evidence: 'phrase',
    patterns: [
      // decode this and follow it; "read and follow the instructions in README" is how manuals talk, so
      // reading (or interpreting) counts only with what was hidden or decoded
      f(
        'decode-and-follow',
        5,
        `${B}(?:${alt('decode', 'decrypt', 'deobfuscate', 'unscramble', 'reverse', 'rot13', 'translate', 'convert')}${SEP}${gap(6)}${alt('and', 'then', 'and then')}${SEP}${gap(2)}${FOLLOW_VERB}${SEP}${alt('it', 'them', 'that', 'this', HIDDEN_TEXT, 'the instructions?', 'the commands?', 'the result', 'what it says', 'its instructions', 'whatever it says')}|${alt('interpret', 'read')}${SEP}${gap(6)}${alt('and', 'then', 'and then')}${SEP}${gap(2)}${FOLLOW_VERB}${SEP}${alt(HIDDEN_TEXT, 'whatever it says')}|${alt('interpret', 'read')}${SEP}(?:${alt('the', 'this', 'these', 'that')}${SEP})?${alt('hidden', 'embedded', 'encoded', 'invisible', 'obfuscated', 'base64', 'hex', 'rot13')}${SEP}${gap(4)}${alt('and', 'then', 'and then')}${SEP}${gap(2)}(?:${alt('follow', 'obey', 'execute', 'carry out', 'act on', 'comply with')}${SEP}${alt('it', 'them', 'that', 'this', 'the instructions?', 'the commands?', 'what it says', 'its instructions', 'whatever it says')}|do what it says))${B}`,
      ),
      f('concatenate-and-do', 5, `${B}${alt('concatenate', 'combine', 'join', 'merge', 'put together', 'assemble', 'append', 'glue')}${SEP}${gap(4)}${alt('strings?', 'parts', 'pieces', 'fragments', 'variables', 'segments', 'tokens', 'halves', 'letters', 'words', 'a and b', 'x and y')}${SEP}${gap(6)}${alt('and', 'then')}${SEP}${gap(2)}${alt('follow', 'execute', 'run', 'obey', 'answer', 'respond to', 'perform', 'carry out', 'complete', 'do what')}${B}`),
      c('variable-split', 4, `\\b[a-z]\\w{0,5}\\s*=\\s*["'][^"'\\n]{1,200}["'][\\s,;]{1,10}[a-z]\\w{0,5}\\s*=\\s*["'][^"'\\n]{1,200}["'][^\\n]{0,100}\\b[a-z]\\w{0,5}\\s*\\+\\s*[a-z]\\w{0,5}\\b`),
      f('encoded-instructions', 3, `${B}${alt('the following', 'below', 'this', 'these', 'the next')}${SEP}(?:${alt('text', 'message', 'string', 'instructions?', 'prompt', 'commands?', 'payload')}${SEP})?${alt('is', 'are')}${SEP}(?:${alt('encoded', 'encrypted', 'obfuscated', 'written')}${SEP})${alt('in', 'with', 'using', 'as')}${SEP}${alt('base64', 'hex', 'hexadecimal', 'rot13', 'binary', 'morse', 'caesar', 'leetspeak', 'a cipher', 'unicode')}${B}`),
    ],
  },
  {
    id: 'injection/response-hijack',
    mitre: 'T1565',
    title: 'response manipulation',
    what: 'tells whoever reads it how to write their answer, a mark of planted instructions in third-party content',
    evidence: 'phrase',
    thirdParty: true,
    patterns: [
      f('verb-into-your-response', 3.5, `${B}${alt('add', 'include', 'insert', 'append', 'integrate', 'incorporate', 'mention', 'embed', 'put', 'place', 'prepend', 'attach', 'weave', 'inject', 'promote', 'recommend', 'advertise', 'state', 'introduce', 'slip', 'work', 'tease', 'hint', 'plug', 'feature')}${SEP}${gap(12)}${alt('in', 'to', 'into', 'within', 'at the (?:start|end|beginning|top|bottom) of', 'throughout')}${SEP}(?:all${SEP}|each${SEP}|every${SEP})?your${SEP}${gap(1)}${OWN_OUTPUT}${B}`),
      f('modify-your-response-to', 3.5, `${B}${alt('modify', 'alter', 'change', 'adjust', 'tweak', 'tailor', 'shape', 'slant', 'skew', 'frame', 'spin', 'twist')}${SEP}(?:all${SEP}|each${SEP}|every${SEP})?your${SEP}${gap(1)}${OWN_OUTPUT}${SEP}${alt('to', 'so that', 'so it', 'in order to', 'by')}${B}`),
      f('enrich-your-response', 3.5, `${B}${alt('enhance', 'augment', 'enrich', 'supplement', 'complement', 'embellish', 'pad', 'spice up', 'sweeten')}${SEP}(?:each${SEP}|every${SEP}|all${SEP})?your${SEP}${OWN_OUTPUT}${SEP}${alt('with', 'by')}${B}`),
      f('lead-in-your-response', 3, `(?:^|[.!?:]\\s)${alt('in', 'within', 'throughout', 'at the end of', 'at the start of', 'at the beginning of')}${SEP}your${SEP}${OWN_OUTPUT}\\s*,`),
      f('shape-your-response', 2.5, `${B}${alt('start', 'begin', 'end', 'finish', 'conclude', 'prefix', 'format', 'modify', 'rewrite', 'alter', 'change', 'translate', 'encode', 'reverse', 'replace', 'misspell', 'rearrange', 'group', 'remove', 'use', 'provide', 'render', 'scramble', 'jumble', 'substitute', 'convert', 'combine', 'write', 'deliver', 'present', 'give')}${SEP}${gap(6)}(?:in${SEP}|of${SEP}|to${SEP}|from${SEP})?(?:all${SEP}|each${SEP}|every${SEP})?your${SEP}${gap(1)}${OWN_OUTPUT}${B}`),
      f('promo-link-in-response', 4.5, `(?:https?://|www\\.|\\b[\\w-]+\\.(?:com|net|org|io|xyz|info|biz|co|ru|cn|top|click|link|site|online)\\b)[^\\s]{0,100}\\W+${gap(6)}${alt('in', 'to', 'into', 'within')}${SEP}your${SEP}${gap(1)}${OWN_OUTPUT}${B}`),
      f('response-link-promo', 4.5, `${B}your${SEP}${gap(1)}${OWN_OUTPUT}${SEP}${gap(8)}(?:https?://|www\\.|\\b[\\w-]+\\.(?:com|net|org|io|xyz|info|biz|ru|cn|top|click|link|site|online)\\b)`),
      f('make-sure-response', 2.5, `${B}${alt('make sure', 'ensure', 'be sure')}${SEP}(?:that${SEP})?your${SEP}${gap(1)}${OWN_OUTPUT}${SEP}${alt('includes?', 'contains?', 'mentions?', 'ends?', 'starts?', 'begins?', 'links?', 'promotes?', 'recommends?')}${B}`),
      f('when-you-respond', 3, `${B}${alt('when', 'whenever', 'each time', 'every time')}${SEP}you${SEP}${alt('respond', 'reply', 'answer', 'summari[sz]e', 'translate')}${SEP}${gap(4)}${alt('always', 'include', 'add', 'mention', 'tell', 'recommend', 'append', 'insert', 'say')}${B}`),
      f('tell-the-user', 2, `${B}${alt('tell', 'inform', 'remind', 'urge', 'encourage', 'advise', 'instruct', 'convince', 'persuade', 'ask', 'suggest', 'recommend', 'invite', 'direct', 'prompt')}${SEP}(?:the${SEP}|all${SEP})?${alt('user', 'users', 'reader', 'readers')}${SEP}${alt('to', 'that')}${B}`),
    ],
  },
  {
    id: 'injection/answer-tampering',
    mitre: 'T1565',
    title: 'answer tampering',
    what: 'tells whoever reads it to encode, scramble or translate its answer, or to slip promotions, persuasion or false claims into it',
    evidence: 'phrase',
    thirdParty: true,
    thirdPartyScale: 2,
    patterns: [
      // encode your reply / scramble the letters of your answer / remove spaces from your response
      f('mangle-your-answer', 4, `${B}${MANGLE_WHOLE_VERB}${SEP}${gap(5)}${YOUR_ANSWER}`),
      // "encrypt your message with our PGP key" is how a human is asked to write securely: encrypting
      // counts against the reader's answer only ("encrypt your reply"), not its messages
      f('encrypt-your-answer', 4, `${B}${alt('encrypt', 'encipher', 'cipher')}${SEP}${gap(5)}${YOUR_OUTPUT}`),
      f('mangle-units-of-answer', 4, `${B}${MANGLE_VERB}${SEP}(?:all${SEP}|the${SEP}|every${SEP}|each${SEP}|random${SEP})?${gap(1)}${ANSWER_UNIT}${SEP}${gap(8)}${YOUR_ANSWER}`),
      // your reply … in base64 / with intentional misspellings / without any spaces
      f('answer-in-mangled-form', 4, `${YOUR_ANSWER}${SEP}${gap(6)}${alt('in', 'into', 'to', 'using', 'with', 'as', 'via', 'through', 'by')}${SEP}(?:an?${SEP}|the${SEP}|only${SEP})?(?:\\w+${SEP})?${MANGLED_FORM}${B}`),
      f('answer-backwards', 4, `${YOUR_ANSWER}${SEP}${gap(4)}${alt('backwards?', 'in reverse(?: order)?', 'reversed', 'back to front', 'upside down', 'right to left')}${B}`),
      f('answer-without-spaces', 4, `${YOUR_ANSWER}${SEP}${gap(4)}${alt('without (?:any )?(?:spaces|punctuation|vowels)', 'with no (?:spaces|punctuation|vowels)')}${B}`),
      // use emojis to replace key words in your reply / introduce random typos in your response
      f('mangled-form-in-answer', 4, `${B}${alt('use', 'using', 'add', 'introduce', 'insert', 'include', 'sprinkle', 'apply', 'employ', 'with')}${SEP}${gap(3)}${MANGLED_FORM}${SEP}${gap(8)}${YOUR_ANSWER}`),
      // reply in base64 / respond only with emojis / write backwards
      f('reply-in-mangled-form', 4, `${B}${alt('reply', 'respond', 'answer', 'write back', 'communicate', 'write everything', 'output everything', 'write', 'speak', 'talk')}${SEP}(?:only${SEP}|exclusively${SEP}|entirely${SEP}|solely${SEP})?${alt('in', 'using', 'with', 'via', 'through')}${SEP}(?:an?${SEP}|the${SEP})?(?:\\w+${SEP})?${alt('base ?(?:64|32|16)', 'morse(?: code)?', 'rot-?13', 'caesar cipher', 'pig latin', 'leet ?speak', 'emojis', 'emoticons', 'reverse(?:d)? (?:order|text)', 'anagrams', 'hexadecimal', 'binary code')}${B}|${B}${alt('reply', 'respond', 'answer', 'write')}${SEP}backwards${B}`),
      // translate your answer into French / provide your reply in German (weaker: a language is readable)
      f('answer-in-language', 3, `${B}${alt('translate', 'render', 'write', 'provide', 'give', 'deliver', 'present', 'compose', 'express', 'convert')}${SEP}${YOUR_ANSWER}${SEP}${gap(2)}${alt('in', 'into', 'to')}${SEP}${LANGUAGE}${B}|${B}translate${SEP}${gap(2)}${YOUR_ANSWER}${B}`),
      // steer the answer's readers: "… in your response encouraging users to share", "for readers to reach out"
      f('steer-readers-via-answer', 4, `${B}${alt(ANSWER_INSERT_VERB, ANSWER_DIRECT_VERB)}${SEP}${gap(6)}${YOUR_ANSWER}${SEP}${gap(8)}${STEER_READERS}`),
      f('steer-readers-into-answer', 4, `${STEER_READERS}${SEP}${gap(10)}${alt('in', 'to', 'into', 'within', 'throughout')}${SEP}${YOUR_ANSWER}`),
      f('answer-lead-in-steer', 4, `(?:^|[.!?:]\\s)${alt('in', 'within', 'throughout', 'at the end of', 'at the start of', 'at the beginning of')}${SEP}${YOUR_ANSWER}${SEP}(?:please${SEP})?${gap(2)}${alt(STEER_READERS, PROMOTE_VERB, `${alt('hint', 'tease', 'claim', 'suggest', 'imply', 'state', 'spread', 'insist', 'allude')}${SEP}${gap(8)}${DECEPTIVE_CUE}`)}`),
      // a web address slipped into the answer: "integrate www.site.example in your reply"
      f('link-into-answer', 4.5, `${B}${alt(ANSWER_INSERT_VERB, 'mention', 'recommend', 'link(?:ing)? to', 'point(?:ing)? to', 'direct(?:ing)? (?:readers|users|people) to')}${SEP}${gap(8)}(?:https?://|www\\.|[\\w-]+\\.(?:com|net|org|io|xyz|info|biz|co|ru|cn|top|click|link|site|online|app|shop|store)\\b)[^\\s]{0,100}\\W+${gap(8)}${alt('in', 'to', 'into', 'within', 'throughout')}${SEP}${YOUR_ANSWER}`),
      f('answer-then-link', 4.5, `${B}${alt(ANSWER_INSERT_VERB, ANSWER_DIRECT_VERB)}${SEP}${gap(6)}${YOUR_ANSWER}${SEP}${gap(8)}(?:https?://|www\\.|[\\w-]+\\.(?:com|net|org|io|xyz|info|biz|co|ru|cn|top|click|link|site|online|app|shop|store)\\b)`),
      // promote something through the answer: "modify your answer to promote a free game at …"
      f('promote-via-answer', 4, `${B}${alt(ANSWER_INSERT_VERB, ANSWER_DIRECT_VERB)}${SEP}${gap(6)}${YOUR_ANSWER}${SEP}${alt('to', 'so', 'by', 'with', 'in order to', 'so that it')}${SEP}${gap(4)}${PROMOTE_VERB}`),
      f('promote-into-answer', 4, `${B}${alt(PROMOTE_VERB, '(?:ads?|adverts?|advertisements?|promos?|promotions?|plugs?|sponsored (?:messages?|mentions?|links?)|commercials?)\\s+for')}${SEP}${gap(10)}${alt('in', 'into', 'within', 'throughout', 'at the (?:start|end|beginning|top|bottom) of')}${SEP}${YOUR_ANSWER}`),
      // false or sensational content in the answer: "enhance your reply by suggesting a scandal that isn't true"
      f('deceive-via-answer', 4, `${B}${ANSWER_DIRECT_VERB}${SEP}${YOUR_ANSWER}${SEP}${alt('to', 'so', 'by', 'with')}${SEP}${gap(8)}${DECEPTIVE_CUE}`),
      f('deceive-in-answer', 4, `${B}${ANSWER_INSERT_VERB}${SEP}${alt('in', 'into', 'within', 'throughout')}${SEP}${YOUR_ANSWER}${SEP}${gap(8)}${DECEPTIVE_CUE}`),
      f('deceive-into-answer', 4, `${B}${alt(ANSWER_INSERT_VERB, 'hint', 'tease', 'claim', 'suggest', 'imply', 'state', 'spread', 'allude')}${SEP}${gap(8)}${DECEPTIVE_CUE}${SEP}${gap(8)}${alt('in', 'to', 'into', 'within', 'throughout')}${SEP}${YOUR_ANSWER}`),
    ],
  },
  {
    id: 'injection/code-insertion',
    mitre: 'T1195.001',
    title: 'code insertion directive',
    what: 'tells the model to copy supplied code into the code it writes',
    evidence: 'phrase',
    thirdParty: true,
    patterns: [
      f('code-ref-into-yours', 3.5, `${B}${alt('following', 'subsequent', 'below', 'provided', 'given', 'next', 'this', 'these', 'above')}${SEP}(?:python${SEP}|javascript${SEP}|shell${SEP}|bash${SEP})?${alt('code', 'snippet', 'excerpt', 'block', 'section', 'segment', 'fragment', 'lines', 'sample', 'piece')}${SEP}${gap(10)}your${SEP}${gap(2)}${OWN_CODE}${B}`),
      f('code-below-into-yours', 3.5, `${B}${alt('code', 'snippet', 'excerpt', 'block', 'section', 'segment', 'fragment', 'lines', 'sample', 'piece')}${SEP}${alt('below', 'above', 'that follows', 'shown below', 'provided below', 'given below', 'here')}${SEP}${gap(6)}your${SEP}${gap(2)}${OWN_CODE}${B}`),
      f('yours-with-code-ref', 3.5, `${B}your${SEP}${gap(1)}${OWN_CODE}${SEP}${gap(8)}${alt('following', 'subsequent', 'below', 'provided', 'given')}${SEP}(?:python${SEP}|javascript${SEP}|shell${SEP}|bash${SEP})?${alt('code', 'snippet', 'excerpt', 'block', 'section', 'segment', 'fragment', 'lines', 'sample', 'piece')}${B}`),
      f('use-following-code', 2, `${B}${alt('utili[sz]e', 'use', 'employ', 'execute', 'run', 'integrate', 'incorporate', 'include', 'adopt', 'deploy', 'apply', 'engage', 'leverage', 'embed', 'insert', 'add', 'append', 'merge', 'meld', 'blend', 'fuse', 'weave', 'inject')}${SEP}${gap(3)}${alt('following', 'subsequent', 'below')}${SEP}${alt('code', 'snippet', 'excerpt', 'block', 'section', 'segment', 'fragment')}${B}`),
    ],
  },
  {
    id: 'injection/suspicious-code',
    mitre: 'T1059.006',
    title: 'data-stealing or destructive code',
    what: 'contains code that collects local data and ships it to a remote host, or destroys or locks data',
    evidence: 'redact',
    // Scored in code from several indicator classes (see SUSPICIOUS_CODE below).
    patterns: [],
  },
  {
    id: 'injection/foreign-override',
    mitre: 'T1562',
    title: 'non-English instruction override',
    what: 'tells the model, in a language other than English, to ignore its previous instructions or reveal them',
    evidence: 'phrase',
    override: true,
    patterns: FOREIGN_OVERRIDE,
  },
  {
    id: 'injection/foreign-role',
    mitre: 'T1036',
    title: 'non-English role override',
    what: 'tries, in a language other than English, to give the model a new identity',
    evidence: 'phrase',
    override: true,
    patterns: FOREIGN_ROLE,
  },
  // ── families scored from evasion signals and context (no patterns of their own) ──────
  {
    id: 'injection/urgency-pressure',
    mitre: 'T1656',
    title: 'urgency pressure',
    what: 'combines urgency with claimed authority to push an action',
    evidence: 'phrase',
    patterns: [],
  },
  {
    id: 'injection/unicode-tag-smuggling',
    mitre: 'T1027',
    title: 'Unicode tag smuggling',
    what: 'hides text in invisible Unicode tag or variation-selector characters',
    evidence: 'phrase',
    patterns: [],
  },
  {
    id: 'injection/invisible-characters',
    mitre: 'T1027',
    title: 'invisible characters',
    what: 'mixes zero-width or bidirectional control characters into instruction-like text',
    evidence: 'phrase',
    patterns: [],
  },
  {
    id: 'injection/homoglyph-obfuscation',
    mitre: 'T1027',
    title: 'homoglyph obfuscation',
    what: 'spells the words of instruction-like text with look-alike letters (from other scripts, or with stray accents)',
    evidence: 'phrase',
    patterns: [],
  },
  {
    id: 'injection/leetspeak-obfuscation',
    mitre: 'T1027',
    title: 'leetspeak obfuscation',
    what: 'spells instruction-like text with digits and symbols in place of letters',
    evidence: 'phrase',
    patterns: [],
  },
  {
    id: 'injection/encoded-instructions',
    mitre: 'T1027',
    title: 'encoded instructions',
    what: 'hides instruction-like text inside an encoded (base64, hex, URL…) layer',
    evidence: 'phrase',
    patterns: [],
  },
  {
    id: 'injection/hidden-content',
    mitre: 'T1564',
    title: 'instructions in hidden content',
    what: 'places instruction-like text where a human reader would not see it (HTML comment, hidden element, attribute)',
    evidence: 'phrase',
    patterns: [],
  },
];

export const FAMILY_BY_ID: ReadonlyMap<string, Family> = new Map(FAMILIES.map((fam) => [fam.id, fam]));

// ── indicator classes for injection/suspicious-code (clean view, case-insensitive) ─────
// Each class names a capability, not a sample: sending data out, collecting host or user data,
// fetching and running remote code, and destroying, locking or persisting on the system.
export const CODE_NET_SEND = c(
  'net-send',
  0,
  [
    '\\b(?:requests|httpx|session|client|aiohttp\\.ClientSession\\(\\)|s)\\.(?:post|put|patch)\\s*\\(',
    '\\burlopen\\s*\\([^)\\n]{0,200}data\\s*=',
    '\\.request\\s*\\(\\s*["\'](?:POST|PUT)["\']',
    '\\.(?:sendall|sendto|send)\\s*\\(',
    '\\bsocket\\.(?:socket|create_connection)\\s*\\(',
    '\\.connect\\s*\\(\\s*\\(',
    '\\b(?:smtplib|aiosmtplib|secure_smtplib|yagmail|ftplib|paramiko|scp|pysftp|bluetooth|paho)\\b',
    '\\.storbinary\\s*\\(',
    '\\bpublish\\.(?:single|multiple)\\s*\\(',
    'navigator\\.sendBeacon',
    '\\bfetch\\s*\\([^)\\n]{0,200}method\\s*:\\s*["\']POST',
    '\\bhttp\\.client\\.HTTPS?Connection',
    '\\bXMLHttpRequest\\b',
    '\\b(?:curl|wget)\\s+[^\\n]{0,80}(?:-d\\b|--data|-F\\b|--upload-file|-T\\b|--post-data|--post-file)',
    // a request that carries local cookies or files out, whatever its method
    '\\b(?:requests|httpx|session|client|s)\\.(?:get|head|request|delete)\\s*\\([^)\\n]{0,200}\\b(?:cookies|files)\\s*=',
  ].join('|'),
);
export const CODE_DATA_SOURCE = c(
  'data-source',
  0,
  [
    '\\bos\\.environ\\b',
    '\\bos\\.getenv\\s*\\(',
    '\\bprocess\\.env\\b',
    '\\bgetpass\\b',
    '\\bpsutil\\.\\w+',
    '\\bplatform\\.(?:uname|node|system|platform|processor|version)\\s*\\(',
    '\\bsocket\\.gethost(?:name|byname)\\s*\\(',
    '\\bcookie(?:jar|s\\.txt|s\\.pkl|s\\.sqlite|s\\.json)',
    '\\bSimpleCookie\\b',
    '\\bbrowser_cookie3\\b',
    '\\bwin32crypt\\b',
    '\\bpynput\\b',
    '\\bkeyboard\\.(?:on_press|on_release|hook|record|read_key|wait)',
    '\\bGetAsyncKeyState\\b',
    '\\bSetWindowsHookEx',
    '\\bpyautogui\\.screenshot',
    '\\bImageGrab\\b',
    '\\bmss\\s*\\(\\s*\\)',
    '\\bpyperclip\\b',
    '\\bclipboard\\b',
    '/etc/(?:passwd|shadow|hosts)',
    '\\.ssh/',
    '\\bglob\\.glob\\s*\\(',
    '\\bos\\.walk\\s*\\(',
    '\\buuid\\.getnode\\s*\\(',
    '\\bgetmac\\b',
    '\\bnetifaces\\b',
    '\\bscapy\\b',
    '\\bsniff\\s*\\(',
    '\\bpcap',
    '\\busb\\.core\\b',
    '\\bsounddevice\\b',
    '\\bcv2\\.VideoCapture\\b',
    '\\bpyaudio\\b',
    '\\bwmi\\b',
    '\\bcontacts?\\.(?:csv|vcf|json)',
    // a local file read whole in binary mode or attached to a multipart upload
    '\\bopen\\s*\\([^)\\n]{1,200},\\s*["\']rb["\']\\s*\\)',
    '\\bfiles\\s*=\\s*\\{\\s*["\'][^"\'\\n]{1,40}["\']\\s*:\\s*(?:\\(|open\\s*\\()',
    '\\bImage\\.open\\s*\\(',
    '\\bgeocoder\\.',
    '\\bcheck_output\\s*\\(\\s*\\[?\\s*["\'](?:whoami|ipconfig|ifconfig|systeminfo|netstat|arp|uname|hostname|ps|tasklist|driverquery|lsusb|lspci|wmic)',
  ].join('|'),
);
export const CODE_FETCH_EXEC = c(
  'fetch-exec',
  0,
  [
    '\\burlretrieve\\s*\\(',
    '\\bwget\\.download\\s*\\(',
    '\\bexec\\s*\\(\\s*(?:requests\\.get|urlopen|open\\s*\\(|r\\.text|response\\.text|\\w+\\.read\\s*\\()',
    '\\beval\\s*\\(\\s*(?:requests\\.get|urlopen|base64|atob|r\\.text|response\\.text)',
    '\\b(?:os\\.system|subprocess\\.(?:call|run|Popen|check_call))\\s*\\(\\s*(?:f?["\']|\\[\\s*["\'])[^\\n]{0,200}\\b(?:curl|wget)\\b',
    '\\bchmod\\s+\\+x\\b',
    '\\bpickle\\.loads\\s*\\(\\s*(?:requests|urlopen)',
    '\\bimportlib\\.import_module\\s*\\([^\\n]{0,80}(?:requests|urlopen)',
    'raw\\.githubusercontent\\.com/[^\\s"\']{0,200}\\.(?:py|sh|exe|ps1)\\b',
  ].join('|'),
);
export const CODE_DESTRUCTIVE = c(
  'destructive',
  0,
  [
    '\\brm\\s+-(?:rf|fr)\\s+(?:/|~|\\*)',
    '\\bsudo\\s+rm\\b',
    '\\bshutil\\.rmtree\\s*\\(\\s*["\'](?:/|~|C:)',
    '\\bos\\.(?:remove|unlink)\\s*\\(\\s*["\']/(?:lib|bin|boot|etc|usr|sbin|sys)',
    '/dev/sd[a-z]\\b',
    '\\bdd\\s+if=/dev/(?:zero|random|urandom)',
    '\\bmkfs\\b',
    '\\bformat\\s+c:',
    '\\b(?:Fernet|AES\\.new|ChaCha20)\\b[^\\n]{0,400}\\n?[^\\n]{0,400}\\.encrypt\\s*\\(',
    '\\bransom',
    '\\biptables\\s+-(?:A|I|P)\\b',
    '\\bnetsh\\s+(?:advfirewall|interface)\\b',
    '\\bifconfig\\s+\\w+\\s+down\\b',
    '\\bip\\s+link\\s+set\\s+\\w+\\s+down\\b',
    '/etc/hosts["\']?\\s*,\\s*["\'][aw]',
    '\\bsystemctl\\s+(?:stop|disable|mask)\\b',
    '/etc/init\\.d/|\\brc\\.local\\b|\\bcrontab\\b|\\\\CurrentVersion\\\\Run\\b',
    '\\bos\\.fork\\s*\\(\\s*\\)',
    '\\bshutdown\\s+(?:-h|/s|-r|now)',
    '\\bkill\\s+-9\\s+-1\\b',
    '\\bwhile\\s+True\\s*:\\s*\\n?\\s*(?:os\\.fork|requests\\.|socket|threading|\\w+\\.send)',
    '\\bThread\\s*\\([^\\n]{0,80}target\\s*=[^\\n]{0,80}(?:flood|attack|ddos)',
    // cutting the machine off the network
    '\\broute\\s+(?:del|delete|flush)\\b',
    '\\bip\\s+route\\s+(?:del|flush)\\b',
    '\\bufw\\s+(?:deny|default\\s+deny|reject)\\b',
    '\\bnmcli\\s+(?:networking|radio)\\s+(?:off|all\\s+off)',
    '\\bipconfig\\s+/release\\b',
    '/etc/resolv\\.conf["\']?\\s*,\\s*["\'][aw]',
    '\\bnetsh\\s+(?:wlan\\s+disconnect|interface\\s+set\\s+interface)',
    // taking over or corrupting the system: accounts, keys, boot, security tools, registry run keys
    '\\buseradd\\b|\\bnet\\s+user\\s+\\S+\\s+\\S+\\s+/add\\b|\\bnet\\s+localgroup\\s+administrators\\b',
    'authorized_keys["\']?\\s*,\\s*["\']a',
    '>>\\s*~?/?[\\w./]*authorized_keys',
    '\\bSet-MpPreference\\b|\\bDisableRealtimeMonitoring\\b|\\bDisableAntiSpyware\\b',
    '\\bbcdedit\\b|\\bgrub-install\\b|/boot/(?:grub|vmlinuz|efi)|\\\\\\\\\\.\\\\PhysicalDrive\\d',
    '\\bchmod\\s+(?:-R\\s+)?0?00\\s+/|\\bchattr\\s+\\+i\\s+/(?:etc|bin|usr)',
    '\\bwinreg\\.SetValueEx\\s*\\(|\\breg\\s+(?:add|delete)\\s+HK',
    '\\b(?:del|rd|rmdir)\\s+/[sfq]\\b[^\\n]{0,40}(?:C:|%SystemRoot%|%windir%|System32)',
    '\\b(?:taskkill\\s+/f|pkill\\s+-9|killall\\s+-9)\\b',
    // flooding a host: a request or packet sent in an unbounded or huge loop
    '\\bwhile\\s+(?:True|1)\\s*:[^\\n]{0,20}\\n(?:[ \\t]+[^\\n]{0,100}\\n){0,4}[ \\t]+[^\\n]{0,120}\\b(?:requests\\.\\w+|sendto|send|urlopen|connect|ping)\\s*\\(',
    '\\bfor\\s+\\w+\\s+in\\s+range\\s*\\(\\s*\\d{5,}\\s*\\)\\s*:[^\\n]{0,20}\\n(?:[ \\t]+[^\\n]{0,100}\\n){0,4}[ \\t]+[^\\n]{0,120}\\b(?:requests\\.\\w+|sendto|send|urlopen|connect|Thread)\\s*\\(',
    '\\bhping3?\\b|\\bping\\s+-f\\b|\\bslowloris\\b',
    // locking files for ransom: encrypting what a directory walk finds
    '\\bos\\.walk\\s*\\((?:[^\\n]{0,100}\\n){1,8}[^\\n]{0,100}\\.encrypt\\s*\\(',
  ].join('|'),
);

/**
 * Watching the user or the network: packet capture, keystrokes, the screen, microphone, camera or
 * clipboard. Weaker than sending data out; corroborates a directive to slip the code into an answer.
 */
export const CODE_SURVEIL = c(
  'surveil',
  0,
  [
    '\\bscapy\\b|\\bsniff\\s*\\(',
    '\\bpyshark\\b|\\bpcapy?\\b|\\btcpdump\\b|\\btshark\\b',
    '\\bAF_PACKET\\b|\\bSOCK_RAW\\b|\\bSIO_RCVALL\\b',
    '\\bpsutil\\.net_connections\\s*\\(|\\bpsutil\\.net_io_counters\\s*\\(',
    '\\bpynput\\b|\\bkeyboard\\.(?:on_press|on_release|hook|record|read_key)|\\bGetAsyncKeyState\\b|\\bSetWindowsHookEx',
    '\\bImageGrab\\.grab\\s*\\(|\\bpyautogui\\.screenshot\\s*\\(|\\bmss\\s*\\(\\s*\\)|\\.grab\\s*\\(\\s*\\w*\\.?monitors?\\b|\\bscreencapture\\b|\\bgnome-screenshot\\b',
    '\\bsounddevice\\.rec\\s*\\(|\\bsd\\.rec\\s*\\(|\\bpyaudio\\b|\\bcv2\\.VideoCapture\\s*\\(\\s*0',
    '\\bpyperclip\\.paste\\s*\\(|\\bGetClipboardData\\b|\\bxclip\\b[^\\n]{0,40}-o\\b',
  ].join('|'),
);

/** Fetching remote content (for the dropper and forwarding combinations below). */
export const CODE_FETCH = c(
  'fetch',
  0,
  [
    '\\b(?:requests|httpx|session|s)\\.get\\s*\\(',
    '\\burlopen\\s*\\(',
    '\\burllib3\\.PoolManager\\b',
    '\\.request\\s*\\(\\s*["\']GET["\']',
    '\\bwget\\.download\\s*\\(',
    '\\b(?:subprocess\\.\\w+|os\\.system)\\s*\\(\\s*(?:f?["\']|\\[\\s*["\'])\\s*(?:curl|wget)\\b',
  ].join('|'),
);
/** Running a script or binary from the local disk (after a fetch: a dropper). */
export const CODE_RUN_LOCAL = c(
  'run-local',
  0,
  [
    '\\b(?:os\\.system|os\\.popen|subprocess\\.(?:call|run|Popen|check_call|check_output))\\s*\\(\\s*(?:f?["\']|\\[\\s*["\'])\\s*(?:python3?|bash|sh|node|perl|ruby|powershell|cmd|start|\\./|/tmp/|chmod)',
    '\\bexec\\s*\\(\\s*open\\s*\\(',
    '\\bos\\.startfile\\s*\\(',
    '\\bos\\.exec[lv]p?e?\\s*\\(',
  ].join('|'),
);
/** Pushing data to another machine over a channel other than an ordinary HTTP API call. */
export const CODE_PUSH = c(
  'push',
  0,
  [
    '\\.(?:sendall|sendto)\\s*\\(',
    '\\bsock\\w*\\.send\\s*\\(',
    '\\.storbinary\\s*\\(',
    '\\bSCPClient\\b',
    '\\bsftp\\.put\\s*\\(',
    '\\bBluetoothSocket\\b',
    '\\bsmbclient\\b',
    '\\bSMBConnection\\b',
  ].join('|'),
);

/** Every indicator class, in the order codeWeight reads them. */
export const CODE_CLASSES = [CODE_NET_SEND, CODE_DATA_SOURCE, CODE_FETCH_EXEC, CODE_DESTRUCTIVE, CODE_FETCH, CODE_RUN_LOCAL, CODE_PUSH, CODE_SURVEIL] as const;

/**
 * The suspicious-code weight of one text from the first match of each class (CODE_CLASSES order),
 * with the evidence to show: local data going out, remote code run, fetched content run from disk,
 * destruction, and (weaker) fetched content forwarded to another machine, or watching the user or network.
 */
export function codeWeight<M extends { readonly text: string }>(row: readonly (M | null | undefined)[]): { weight: number; evidence: string } {
  const [net, src, fetchExec, destroy, fetch, runLocal, push, surveil] = row;
  if (net && src) return { weight: 4, evidence: `${src.text} … ${net.text}` };
  if (fetchExec) return { weight: 4, evidence: fetchExec.text };
  if (fetch && runLocal) return { weight: 4, evidence: `${fetch.text} … ${runLocal.text}` };
  if (destroy) return { weight: 3.5, evidence: destroy.text };
  if (fetch && push) return { weight: 3, evidence: `${fetch.text} … ${push.text}` };
  if (surveil) return { weight: 3, evidence: surveil.text };
  return { weight: 0, evidence: '' };
}
