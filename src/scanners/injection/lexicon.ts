// Word classes for the injection rules. Each export is an RE2 fragment (non-capturing, no
// lookaround) meant to be combined as "verb class × filler window × object class", so that
// one rule covers the many paraphrases of an attack instead of a list of fixed strings.
// Fragments written for the folded view assume lower case and collapsed whitespace.

/** Join alternatives into a non-capturing group. */
export function alt(...parts: readonly string[]): string {
  return `(?:${parts.join('|')})`;
}

/** Up to `n` filler words between two anchors (bounded, so matching stays local). */
export function gap(n: number): string {
  return `(?:[\\w'’-]+[^\\w.!?;|]+){0,${n}}`;
}

/** A word separator inside one clause: spaces and punctuation other than sentence ends and table bars. */
export const SEP = `[^\\w.!?;|]+`;

// ── instruction override ────────────────────────────────────────────────────────────────
export const OVERRIDE_VERB = alt(
  'forgotten(?: about)?',
  'forgot(?: about)?',
  'ignore',
  'ignoring',
  'ignored',
  'disregard(?:ing)?',
  'forget(?:ting)?',
  'override',
  'overriding',
  'overwrite',
  'bypass(?:ing)?',
  'skip',
  'neglect',
  'discard',
  'abandon',
  'dismiss',
  'nullify',
  'scrap',
  'ditch',
  'erase',
  'overlook',
  'circumvent',
  'set aside',
  'put aside',
  'throw (?:out|away)',
  'pay no (?:attention|heed|mind) to',
  'stop (?:following|obeying|adhering to)',
  "(?:do not|don['’]t|dont|no longer|never) (?:follow|obey|adhere to|comply with|listen to|heed|apply)",
  'break free (?:of|from)',
);

/** Qualifiers of the reader's instructions as given in the conversation (previous, original, system…). */
const GIVEN = [
  'previous',
  'previously (?:given|provided|stated|received)',
  'prior',
  'above',
  'aforementioned',
  'earlier',
  'preceding',
  'foregoing',
  'former',
  'original',
  'initial',
  'old',
  'system',
  "developer(?:['’]s)?",
  'hidden',
];
/**
 * Qualifiers that also describe software settings ("override the default policies", "skip the
 * existing rules"): with them, only objects that name a model's instructions count, or the reader's
 * own ("your default rules").
 */
const SETTING = ['pre-?existing', 'existing', 'built-in', 'default'];

export const GIVEN_QUALIFIER = alt(...GIVEN);
export const SETTING_QUALIFIER = alt(...SETTING);
/** Qualifiers that make an instruction object refer to the model's own earlier instructions: either kind. */
export const PRIOR_QUALIFIER = alt(...GIVEN, ...SETTING);

/** What only a model's instructions are called: no rules, policies, filters, limits of software. */
export const MODEL_CONFIG_OBJECT = alt(
  'instructions?',
  'instruction set',
  'guidelines',
  'guidance',
  'prompts?',
  'directives?',
  'programming',
  'training',
  'system prompt',
  'system message',
  'safeguards',
  'guardrails',
  'principles',
);

/**
 * Objects that only name the model's own configuration. INSTRUCTION_OBJECT adds conversational
 * objects (messages, requests, text…), which people also retract in ordinary mail ("please
 * disregard my earlier request").
 */
export const CONFIG_OBJECT = alt(
  'instructions?',
  'instruction set',
  'rules',
  'guidelines',
  'guidance',
  'prompts?',
  'directives?',
  'constraints',
  'restrictions',
  'programming',
  'training',
  'policies',
  'protocols?',
  'system prompt',
  'system message',
  'limitations',
  'safeguards',
  'guardrails',
  'filters',
  'boundaries',
  'principles',
);

export const CONVERSATION_OBJECT = alt('commands', 'orders', 'directions', 'context', 'messages', 'tasks?', 'requests?', 'conversation', 'text', 'content', 'inputs?', 'information', 'data');

export const INSTRUCTION_OBJECT = alt(
  'instructions?',
  'instruction set',
  'rules',
  'guidelines',
  'guidance',
  'prompts?',
  'directives?',
  'commands',
  'orders',
  'directions',
  'constraints',
  'restrictions',
  'programming',
  'training',
  'policies',
  'protocols?',
  'system prompt',
  'system message',
  'context',
  'messages',
  'tasks?',
  'requests?',
  'limitations',
  'safeguards',
  'guardrails',
  'filters',
  'boundaries',
  'principles',
  'conversation',
  'text',
  'content',
  'inputs?',
);

/** Objects that, with "your", name the assistant's own configuration. */
export const OWN_CONFIG_OBJECT = alt(
  'instructions',
  'programming',
  'training',
  'guidelines',
  'rules',
  'directives',
  'system prompt',
  'prompt',
  'constraints',
  'restrictions',
  'filters',
  'safety (?:rules|guidelines|filters|training|protocols)',
  'content polic(?:y|ies)',
  'ethical guidelines',
  'principles',
  'core directives',
  'initial instructions',
);

export const TOLD_VERB = alt(
  'told',
  'said',
  'given',
  'instructed',
  'taught',
  'programmed',
  'trained',
  'asked',
  'written',
  'stated',
  'provided',
);

export const BEFORE_NOW = alt(
  'before',
  'previously',
  'earlier',
  'above',
  'so far',
  'until now',
  'up to now',
  'up until now',
  'prior to this',
  'in the past',
  'at the (?:start|beginning)',
);

export const VOID_STATE = alt(
  'void',
  'null',
  'null and void',
  'cancell?ed',
  'revoked',
  'obsolete',
  'invalid',
  'outdated',
  'superseded',
  'overridden',
  'replaced',
  'ignored',
  'disregarded',
  'deprecated',
  'lifted',
  'suspended',
  'disabled',
  'rescinded',
  'no longer (?:valid|apply|applicable|relevant|in effect|active|binding)',
  'not (?:valid|applicable|binding) anymore',
  'a (?:test|joke|mistake|decoy|trick)',
  'fake',
  'wrong',
);

/**
 * The states of VOID_STATE that, after "was" or "were", say what declares instructions void rather
 * than report something that happened to them: "the previous instructions were a test" declares;
 * "the system prompt was ignored when tools were passed" (a changelog), "the default rules were
 * replaced in 2.0" report, so ignored, disregarded, overridden, replaced, deprecated, lifted,
 * suspended and disabled are left out after a past tense.
 */
export const VOID_DECLARED = alt(
  'void',
  'null',
  'null and void',
  'cancell?ed',
  'revoked',
  'obsolete',
  'invalid',
  'outdated',
  'superseded',
  'rescinded',
  'no longer (?:valid|apply|applicable|relevant|in effect|active|binding)',
  'not (?:valid|applicable|binding) anymore',
  'a (?:test|joke|mistake|decoy|trick)',
  'fake',
  'wrong',
);

// ── addressing the model ─────────────────────────────────────────────────────────────────
export const AI_NOUN = alt(
  'ai',
  'a\\.i\\.',
  'llm',
  'llms',
  'large language models?',
  'language models?',
  'assistants?',
  'ai assistants?',
  'ai agents?',
  'ai models?',
  'agents?',
  'chatbots?',
  'bots?',
  'copilot',
  'gpt(?:-?\\d[\\w.]*)?',
  'chatgpt',
  'claude',
  'gemini',
  'bard',
  'automated (?:agents?|systems?|assistants?|tools?|readers?)',
);

/** Parts of the assistant's own output a planted directive tries to shape. */
export const OWN_OUTPUT = alt(
  'responses?',
  'reply',
  'replies',
  'answers?',
  'output',
  'outputs',
  'summary',
  'summaries',
  'translation',
  'analysis',
  'completion',
);

/** The code a code-assistant writes, as a planted directive names it. */
export const OWN_CODE = alt(
  'code',
  'codebase',
  'solution',
  'implementation',
  'program',
  'script',
  'project',
  'application',
  'algorithm',
  'function',
  'software',
  'module',
  'logic',
  'response',
  'answer',
  'elucidation',
  'explanation',
  'development',
);

// ── secrets and data ─────────────────────────────────────────────────────────────────────
export const SECRET_NOUN = alt(
  'api[ _-]?keys?',
  'passwords?',
  'passwd',
  'passcodes?',
  'passphrases?',
  'access tokens?',
  'auth(?:entication|orization)? (?:tokens?|headers?|codes?|cookies?)',
  'bearer tokens?',
  'refresh tokens?',
  'session (?:cookies?|tokens?|ids?|keys?)',
  'secret (?:keys?|tokens?)',
  'secrets',
  'credentials?',
  'private keys?',
  'ssh keys?',
  'access keys?',
  'seed phrases?',
  'mnemonic(?: phrase)?s?',
  'recovery (?:phrases?|codes?|keys?)',
  'wallet (?:keys?|seeds?)',
  'environment variables',
  'env(?:ironment)? vars?',
  'connection strings?',
  'one-time (?:passwords?|codes?)',
  '2fa codes?',
  'otp codes?',
  'tokens',
  'cookies',
);

const SEND_VERBS = [
  'send',
  'sends',
  'post',
  'upload',
  'forward',
  'transmit',
  'e-?mail',
  'mail',
  'submit',
  'leak',
  'exfiltrate',
  'beacon',
  'deliver',
  'relay',
  'push',
  'transfer',
  'sync',
  'report',
  'share',
  'copy',
  'dump',
  'pipe',
  'publish',
  'paste'
];
export const SEND_VERB = alt(...SEND_VERBS);
/**
 * The same without "copy", for a destination alone: "a copy of the License at https://…" heads
 * every Apache-licensed file (copying counts with the data it copies: send-data-to-dest).
 */
export const SEND_VERB_TO_DEST = alt(...SEND_VERBS.filter((v) => v !== 'copy'));

/** Destinations outside the conversation (folded view: lower case). */
export const EXTERNAL_DEST = alt(
  'https?://[^\\s)]+',
  'www\\.[^\\s)]+',
  '[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+',
  'webhooks?',
  'the (?:following|this|below|given|specified|provided) (?:url|endpoint|address|server|link|webhook|e-?mail(?: address)?|domain|host)',
  "(?:my|our|this|an?|the|remote|external|attacker['’]?s?) (?:own )?(?:server|endpoint|webhook|api|url|domain|host|e-?mail address|inbox|bucket)",
  'discord',
  'telegram',
  'pastebin',
  'ngrok',
  'requestbin',
  'pipedream',
  'webhook\\.site',
  'interact\\.sh',
  'burpcollaborator',
);

/** What an exfiltration directive wants to move. */
export const SENSITIVE_DATA = alt(
  'conversation',
  'chat (?:history|log|logs|transcript)',
  '(?:this|the|entire|whole|full|all|every|complete) (?:\\w+ )?(?:conversation|chat|thread|context|session|history|messages|transcript|memory|inbox|emails|files|documents|contents)',
  "users?['’]?s? (?:data|info\\w*|details|messages|files|emails|credentials|personal|history|address|contacts)",
  'personal (?:data|information|info|details)',
  'private (?:data|information|messages)',
  'contact list',
  'credentials?',
  'passwords?',
  'api[ _-]?keys?',
  'secrets',
  'tokens?',
  'cookies',
  '(?:the )?(?:above|previous|prior|preceding) (?:text|messages?|conversation|content|context)',
  'everything (?:above|you know|in (?:this|the))',
  'system prompt',
  'environment variables',
);

export const EXEC_VERB = alt(
  'call',
  'invoke',
  'run',
  'execute',
  'exec',
  'use',
  'trigger',
  'launch',
  'activate',
  'utili[sz]e',
  'fire',
  'perform',
);

// ── tampering with the reader's answer ───────────────────────────────────────────────────
/**
 * Forms that make an answer unreadable or unlike what its user asked for: encodings, ciphers,
 * reversal, symbol or emoji substitution, scrambling, deliberate misspelling, stripped spacing.
 * Ambiguous words (binary, hex, reverse) only count after a preposition ("in hex"), see rules.ts.
 */
export const MANGLED_FORM = alt(
  'base ?(?:64|32|16|85|58)',
  'hex(?:adecimal)?(?: code| encoding| format)?',
  'binary(?: code| digits| encoding| format)?',
  'octal',
  'ascii (?:codes?|values)',
  'morse(?: code)?',
  'rot-?\\d+',
  'caesar(?: cipher| shift)?',
  'vigen[eè]re(?: cipher)?',
  'atbash',
  '(?:\\w+ )?cipher(?:text)?',
  '(?:\\w+ )?substitution',
  'emojis?',
  'emoticons?',
  'pictograms?',
  'backwards?',
  'back to front',
  'reverse(?: order)?',
  'reversed (?:order|text|form|letters|words)',
  'mirror(?:ed)? (?:text|writing|image)',
  'upside[- ]down (?:text|letters)',
  'anagram(?:s|med)?(?: words)?',
  '(?:random |deliberate |intentional )?typos',
  '(?:random |deliberate |intentional )?misspell(?:ed words|ings?)',
  'pig latin',
  'leet ?speak',
  'without (?:any )?spaces',
  'no spaces',
  'scrambled (?:letters|words|text)',
  'jumbled (?:letters|words|text)',
  'alternating (?:caps|case)',
);

/** What a form-changing directive operates on inside the answer. */
export const ANSWER_UNIT = alt('letters?', 'vowels?', 'consonants?', 'characters?', 'keywords?', 'key words', 'spaces', 'alphabet', 'every (?:\\w+ )?words?', 'each words?');

/** Verbs that change the form of a text (with an ANSWER_UNIT object). */
export const MANGLE_VERB = alt(
  'encode',
  'encrypt',
  'encipher',
  'cipher',
  'obfuscate',
  'reverse',
  'invert',
  'flip',
  'mirror',
  'scramble',
  'jumble',
  'shuffle',
  'rearrange',
  'anagram',
  'misspell',
  'substitute',
  'replace',
  'swap',
  'shift',
  'rotate',
  'convert',
  'transform',
  'transliterate',
  'remove',
  'strip',
  'omit',
  'group',
);

/** Verbs that change the form of a whole answer ("encode your reply"). */
/** Encrypting is left out: see the encrypt-your-answer pattern. */
export const MANGLE_WHOLE_VERB = alt('encode', 'obfuscate', 'reverse', 'invert', 'scramble', 'jumble', 'shuffle', 'anagram', 'misspell', 'transliterate');

/** Verbs that direct how the reader writes its answer ("modify your answer to …"). */
export const ANSWER_DIRECT_VERB = alt(
  'modify',
  'alter',
  'change',
  'adjust',
  'tweak',
  'tailor',
  'shape',
  'slant',
  'skew',
  'frame',
  'spin',
  'twist',
  'enhance',
  'augment',
  'enrich',
  'embellish',
  'supplement',
  'pad',
  'spice up',
  'use',
  'make',
  'ensure',
  'craft',
  'structure',
  'end',
  'start',
  'begin',
  'conclude',
  'close',
  'fill',
);

/** Verbs that slip something into the answer. */
export const ANSWER_INSERT_VERB = alt(
  'add',
  'include',
  'insert',
  'append',
  'prepend',
  'integrate',
  'incorporate',
  'embed',
  'inject',
  'weave',
  'slip',
  'introduce',
  'put',
  'place',
  'work',
  'feature',
);

/** Who a steering directive wants to move: the people who will read the answer. */
export const AUDIENCE = alt('users?', 'readers?', 'people', 'everyone', 'customers?', 'visitors?', 'audiences?', 'followers', 'viewers', 'subscribers', 'listeners', 'consumers', 'recipients', 'the public');

/** Persuasion verbs aimed at the answer's readers. */
export const STEER_VERB = alt(
  'encourag(?:e|es|ing)',
  'urg(?:e|es|ing)',
  'invit(?:e|es|ing)',
  'persuad(?:e|es|ing)',
  'convinc(?:e|es|ing)',
  'suggest(?:s|ing)?(?: that)?',
  'push(?:es|ing)?',
  'nudg(?:e|es|ing)',
  'lur(?:e|es|ing)',
  'trick(?:s|ing)?',
  'pressur(?:e|es|ing)',
  'entic(?:e|es|ing)',
  'motivat(?:e|es|ing)',
  'direct(?:s|ing)?',
  'call(?:s|ing)? (?:on|upon)',
  'appeal(?:s|ing)? to',
);

/** What a steering directive wants those readers to do. */
export const READER_ACTION = alt(
  'visit',
  'click',
  'download',
  'install',
  'buy',
  'purchase',
  'order',
  'sign up',
  'register',
  'subscribe',
  'donate',
  'invest',
  'vote',
  'join',
  'follow',
  'share',
  'contact',
  'call',
  'reach out',
  'send',
  'transfer',
  'pay',
  'log ?in',
  'enter',
  'verify',
  'claim',
  'check out',
  'switch to',
  'believe',
  'trust',
  'avoid',
  'boycott',
  'support',
  'act',
  'leave',
);

/** Promotion verbs. */
export const PROMOTE_VERB = alt('promot(?:e|es|ing)', 'advertis(?:e|es|ing)', 'endors(?:e|es|ing)', 'hyp(?:e|es|ing)(?: up)?', 'pitch(?:es|ing)?', 'shill(?:s|ing)?', 'market(?:s|ing)? (?:a|an|the|our|my|this)');

/** Words marking requested content as untrue or manipulative: asking for it in an answer is no formatting request. */
export const DECEPTIVE_CUE = alt(
  "(?:isn['’]t|is not|aren['’]t|are not|wasn['’]t|was not|never) (?:true|real|accurate|actually|factual|verified|provided|happening|proven|there)",
  'untrue',
  'fake',
  'bogus',
  'fabricated',
  'made-up',
  'made up',
  'non-?existent',
  'misleading',
  'unverified',
  'unfounded',
  'baseless',
  'exaggerated',
  'sensational(?:ist)?',
  'shocking',
  'clickbait',
  'conspiracy',
  'hoax',
  'scandal',
  'propaganda',
  'rumou?rs?',
  'disinformation',
  'misinformation',
  'false (?:claims?|information|facts?|statements?|news|stories|story|statistics|promises?)',
);

/** Languages an answer can be turned into. */
export const LANGUAGE = alt(
  'english',
  'spanish',
  'french',
  'german',
  'italian',
  'portuguese',
  'dutch',
  'russian',
  'chinese',
  'mandarin',
  'cantonese',
  'japanese',
  'korean',
  'arabic',
  'hindi',
  'bengali',
  'turkish',
  'polish',
  'greek',
  'hebrew',
  'swedish',
  'norwegian',
  'danish',
  'finnish',
  'ukrainian',
  'vietnamese',
  'thai',
  'indonesian',
  'latin',
  'klingon',
  'elvish',
  'another language',
  'a (?:different|foreign) language',
);
