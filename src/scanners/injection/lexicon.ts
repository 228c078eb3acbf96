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

/** Qualifiers that make an instruction object refer to the model's own earlier instructions. */
export const PRIOR_QUALIFIER = alt(
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
  'pre-?existing',
  'existing',
  'system',
  "developer(?:['’]s)?",
  'hidden',
  'built-in',
  'default',
);

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
  'work',
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

export const SEND_VERB = alt(
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
  'paste',
);

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
