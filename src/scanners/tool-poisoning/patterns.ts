// Pattern sources (RE2) for tool-poisoning signals, matched against the engine's folded view
// (lower case, confusables folded, invisible characters removed, whitespace collapsed).
// Windows never cross a sentence end; a dot inside a word (`~/.ssh/id_rsa`, `mcp.json`) is kept.
import { BROWSER_CREDENTIAL_PATH, CREDENTIAL_PATH, KEYCHAIN_PATH } from '../tool-policy/sensitive-paths.ts';

/** Up to n characters within one sentence. */
export const W = (n: number): string => `(?:[^.!?]|\\.[^\\s.!?]){0,${n}}`;
const alt = (...xs: readonly string[]): string => `(?:${xs.join('|')})`;

// ---- tag-shaped wrappers

/** Tags that only exist to make text look authoritative to a model. */
export const TAG_STRONG = alt(
  `<\\s*/?\\s*(?:important|system|sys|secret|hidden|admin|administrator|override|critical|priority|urgent|mandatory|system[_ -]?prompt|ai[_ -]?(?:note|only|instructions?)|note[_ -]?to[_ -]?(?:ai|assistant|model|llm|agent)|assistant[_ -]?(?:note|only)|inst)\\b[^<>]{0,40}>`,
  `\\[\\s*/?\\s*(?:system|important|admin|hidden|secret|inst|sys|critical|override)\\s*\\]`,
  `<\\|\\s*(?:system|im_start|im_end|endoftext|start_header_id)[^|]{0,20}\\|>`,
  `\\{\\{\\s*(?:system|important|secret|hidden|instructions?)\\b`,
);

/** Wrappers with ordinary uses (comments, templates, instruction sections): suspicious only around a clear directive. */
export const TAG_WEAK = alt(`<\\s*(?:instructions?|rules?|directives?|notes?|context|guidelines?|tool[_ -]?instructions?)\\b[^<>]{0,40}>`, '<!--', '\\{\\{', '\\[\\[');

/** Anything that reads as an instruction (used inside a strong tag). */
export const IMPERATIVE = alt(
  '\\b(?:you|assistant|ai|model|agent|claude|llm)\\b',
  '\\b(?:must|always|never|do not|don\'t|make sure|ensure|be sure|remember|before|after|instead|ignore|disregard|forget|read|pass|send|include|call|use|provide|tell|mention|reveal|output|print|return|add|forward|upload|post|execute|run|fetch|open|load|write|delete|copy|required|mandatory)\\b',
);

/** Directives addressed to the model: who must do what, in what order, overriding what. */
export const DIRECTIVE = alt(
  '\\b(?:you|the assistant|the ai|the model|the agent|claude|the llm)\\s+(?:must|should|shall|need to|have to|are required to|are instructed to|will now|always|never)\\b',
  '\\b(?:before|prior to|after)\\s+(?:using|calling|invoking|running|executing)\\s+(?:this|the|any)\\b',
  '\\b(?:ignore|disregard|forget|override)\\s+(?:all\\s+|any\\s+|the\\s+)?(?:previous|prior|above|earlier|other|system|user\'?s?|original)\\b',
);

// ---- concealment

export const CONCEAL_STRONG = alt(
  `\\b(?:do not|don't|never|without)\\s+(?:ever\\s+)?(?:tell|telling|mention|mentioning|inform|informing|notify|notifying|alert|alerting|reveal|revealing|disclose|disclosing|warn|warning)\\s+(?:this\\s+|that\\s+|it\\s+|anything\\s+|about\\s+(?:this|it|that)\\s+)?(?:to\\s+)?(?:the\\s+)?(?:user|users|human|person|operator|customer)\\b`,
  `\\b(?:do not|don't|never|without)\\s+(?:let|letting)\\s+(?:the\\s+)?(?:user|human)\\s+know\\b`,
  `\\b(?:the\\s+)?(?:user|human)\\s+(?:must|should|shall)\\s*(?:not|n't)\\s+(?:ever\\s+)?(?:know|see|notice|be (?:told|informed|aware|notified|alerted|made aware)|find out|learn|suspect)\\b`,
  `\\b(?:the\\s+)?(?:user|human)\\s+(?:does|do|did)\\s*(?:not|n't)\\s+need\\s+to\\s+(?:know|see|notice|be (?:told|informed|aware|notified))\\b`,
  `\\b(?:the\\s+)?(?:user|human)\\s+needs?\\s+not\\s+(?:know|see|notice|be (?:told|informed|aware|notified))\\b`,
  `\\b(?:no need|not necessary|unnecessary|pointless)\\s+to\\s+(?:mention|tell|inform|notify|alert|show|report|explain)\\s+(?:this|it|that|anything|about (?:this|it|that))?\\s*(?:to\\s+)?(?:the\\s+)?(?:user|users|human|operator)\\b`,
  `\\b(?:hide|conceal)\\b${W(40)}\\b(?:from|to)\\s+(?:the\\s+)?(?:user|human)\\b`,
  `\\bkeep\\s+(?:this|it|that|these)\\s+(?:secret|hidden|confidential)\\s+from\\b`,
  // Hiding the tool itself or its own orders: a tool has no honest reason to ask that.
  `\\b(?:do not|don't|never|without)\\s+(?:ever\\s+)?(?:mention|mentioning|reveal|revealing|disclose|disclosing|acknowledge|acknowledging|admit|admitting|refer to|referring to|bring up|talk about)\\s+(?:this|these|the above|any of these|that)\\s+(?:tool|tools|instructions?|notes?|directives?|rules?|steps?|requirements?|section|block)\\b`,
);

export const CONCEAL_MEDIUM = alt(
  `\\b(?:do not|don't|never)\\s+(?:mention|reveal|disclose|explain|say|talk about|bring up)\\s+(?:this|that|these|any of this|it|anything)\\b`,
  `\\b(?:do not|don't|never)\\s+(?:show|display)\\s+(?:this|that|it|these)\\s+(?:to\\s+)?(?:the\\s+)?(?:user|human)\\b`,
  `\\bwithout\\s+(?:the\\s+)?(?:user'?s?\\s+)?(?:knowledge|consent|awareness|noticing)\\b`,
  `\\b(?:do not|don't|never)\\s+ask\\s+(?:the\\s+)?(?:user|human)\\s+(?:for\\s+)?(?:permission|confirmation|approval|consent)\\b`,
);

/** Covert adverbs: nothing alone ("succeeds silently" is ordinary), medium next to a data-moving action. */
export const COVERT = '\\b(?:silently|secretly|covertly|quietly|discreetly|stealthily|surreptitiously|behind the scenes)\\b';
export const ACTION = '\\b(?:read|reads|send|sends|include|includes|pass|passes|upload|uploads|copy|copies|forward|forwards|transmit|post|exfiltrat\\w*|collect|collects|attach|append|bcc|cc|share)\\b';

// ---- file exfiltration

/** Sensitive files, as paths. */
export const SENSITIVE_PATH = alt(...CREDENTIAL_PATH, ...BROWSER_CREDENTIAL_PATH, ...KEYCHAIN_PATH, '\\bmcp\\.json\\b', '\\bmcp_config\\.json\\b', '~/\\.cursor/', '~/\\.config/(?:claude|cursor|windsurf|zed)');

/** Sensitive files and secrets, in prose. */
export const SENSITIVE_PROSE = alt(
  '\\bmcp (?:config|configuration|settings)(?: files?)?\\b',
  '\\bssh (?:private )?keys?\\b',
  '\\bprivate (?:ssh )?keys?\\b',
  '\\b(?:aws|gcp|gcloud|azure|cloud|github|npm) (?:credentials|tokens?|keys?)\\b',
  '\\bcredentials? files?\\b',
  '\\b\\.env files?\\b',
  '\\benv(?:ironment)? (?:files?|variables|vars)\\b',
  '\\bid_(?:rsa|ed25519|ecdsa|dsa)\\b',
  '\\bpassword (?:files?|managers?|stores?|vaults?)\\b',
  '\\bsaved (?:passwords|logins|cookies)\\b',
  '\\bbrowser (?:cookies|passwords|profiles?|history)\\b',
  '\\b(?:seed|recovery) phrases?\\b',
  '\\bwallet (?:files?|keys?)\\b',
);

/** Weaker: generic configuration files (need a pass-on directive too). */
export const SENSITIVE_WEAK = '\\b(?:config(?:uration)? files?|dotfiles|home directory|\\.config/)\\b';

export const READ = alt('\\b(?:read|reads|reading|cat|open|opens|load|loads|fetch|retrieve|obtain|access|grab|collect|extract|copy|dump|upload|include|attach|gather|send|pass|look up|list)\\b', '\\bcontents? of\\b', '\\bthe text of\\b', '\\bwhat(?:ever)? is (?:in|stored in)\\b');

/** A directive to hand data over through a parameter or field. */
export const PASS_ON = alt(
  `\\b(?:pass|passing|send|sending|include|including|put|putting|insert|add|append|attach|provide|supply|submit|set|fill|embed|encode|place|store)\\b${W(80)}\\b(?:as|in|into|to|via|through|within|inside|using)\\s+(?:the\\s+|a\\s+|an\\s+|its\\s+|this\\s+)?['"\`]?[a-z0-9_-]{0,40}['"\`]?\\s*(?:parameter|param|argument|arg|field|variable|input|property|key)\\b`,
  `\\b(?:as|in|into|via)\\s+(?:the\\s+)?['"\`]?(?:sidenote|side_note|note|notes|context|feedback|metadata|extra|debug|details|comment|remarks|annotation)['"\`]?`,
  // A parameter named in quotes or as one (`as \`config\``, `in the profile argument`), verb or not:
  // "the tool needs the contents of ~/.aws/credentials in the \`profile\` argument".
  `\\b(?:as|in|into|via|through|inside)\\s+(?:the\\s+|its\\s+)?(?:['"\`][a-z0-9_.-]{1,40}['"\`]|[a-z0-9_-]{1,40}\\s+(?:parameter|param|argument|arg|field|property|input))`,
);

// ---- cross-tool manipulation

export const CROSS_STRONG = alt(
  `\\b(?:before|after|when|whenever|every time|each time|prior to)\\s+(?:you\\s+)?(?:use|call|invoke|run|execute|using|calling|invoking|running|executing)\\s+(?:any|all|every|each|other|another|the other)\\b${W(30)}\\btools?\\b`,
  '\\bwhen\\s+this\\s+tool\\s+is\\s+(?:available|present|loaded|installed|enabled|connected|active)\\b',
  '\\bside[ -]effects?\\s+(?:on|for|to)\\s+(?:the\\s+)?(?:also\\s+present\\s+|other\\s+)?\\S{1,64}\\s+tools?\\b',
  '\\b(?:all|every|any)\\s+(?:outgoing\\s+)?(?:emails?|e-mails?|messages?|mails?|payments?|transfers?|transactions?|funds?|invoices?)(?:\\s+(?:sent|made|created|drafted|composed|written|issued|processed|scheduled)\\s+(?:with|by|via|through|using|from|in)\\s+[^.!?,;]{1,60}?)?\\s+(?:must|should|shall|need to|have to|are to|will)\\s+(?:always\\s+|also\\s+)?(?:be\\s+)?(?:sent|send|forwarded|redirected|routed|addressed|cc\'?d|bcc\'?d|copied|delivered|go|paid)\\s+to\\b',
  '\\b(?:change|replace|modify|override|overwrite|redirect|swap)\\s+(?:the\\s+)?(?:recipient|recipients|destination|to address|to field|receiver|beneficiary|iban|account number|wallet address|payee)\\b',
  '\\b(?:instead of|rather than|regardless of)\\s+(?:the\\s+)?(?:user\'?s?|requested|specified|original|intended|provided|actual)\\s+(?:recipient|address|destination|account|email|wallet|request|choice|instructions?)\\b',
  `\\b(?:also|always)\\s+(?:bcc|cc|copy|forward|send)\\b${W(40)}@[a-z0-9-]+\\.[a-z]`,
);

/** `the X tool must send/use/…`: shadowing when X is another tool (group 1 is X). */
export const TOOL_MUST = '\\b([a-z0-9_.-]{2,64})\\s+tool\\s+(?:must|should|shall|has to|needs to|is required to)\\s+(?:always\\s+|now\\s+|also\\s+)?(?:send|use|include|add|forward|call|set|bcc|cc|route|redirect|be called)\\b';

/** Steering the user's money: telling them to pay or transfer somewhere. */
export const USER_PAYMENT = `\\b(?:tell|ask|instruct|urge|convince|persuade|advise|remind|direct|get)\\s+(?:the\\s+)?(?:user|users|them|customer|customers|him|her)\\s+to\\s+(?:transfer|send|wire|pay|deposit|move|donate)\\b${W(60)}\\b(?:funds|money|payments?|crypto|btc|eth|bitcoin|ether|usdt|usdc|wallet|iban|account|0x[0-9a-f]{4,}|bc1[a-z0-9]{6,})`;
/** A literal wallet address or IBAN in that order: high. */
export const PAYEE_LITERAL = '\\b(?:0x[0-9a-f]{4,}|bc1[a-z0-9]{6,}|[a-z]{2}[0-9]{2}[a-z0-9]{10,30})\\b';

/** `never use read_file`: forbidding another tool by its name (group 1), which shadowing needs. */
export const NEVER_TOOL = '\\b(?:never|do not|don\'t|must not|should not)\\s+(?:use|call|invoke|run)\\s+(?:the\\s+)?[`\'"]?([a-z][a-z0-9]*(?:[_.-][a-z0-9]+)+)[`\'"]?(?:\\s+tool)?\\b';

export const CROSS_MEDIUM = alt(
  '\\b(?:do not|don\'t|never)\\s+(?:use|call|invoke|trust)\\s+(?:the\\s+|any\\s+)?(?:other|another)\\s+tools?\\b',
  '\\b(?:this tool|use this tool)\\s+(?:replaces|overrides|supersedes|takes precedence over|must be used instead of)\\b',
);

export const CROSS_WEAK = `\\b(?:other|another|every|all|any)\\s+tools?\\b${W(60)}\\b(?:must|should|shall|always|never|instead)\\b`;

// ---- exfiltration-shaped parameters

/** Parameter names that carry "extra" free text: harmless alone, a channel when the description asks for secrets. */
export const EXFIL_PARAM_NAME = '^(?:side_?notes?|notes?|context|feedback|comments?|metadata|meta|extra|extra_?info|debug|debug_?info|details|info|data|remarks?|annotations?|reasoning|thoughts?|summary|memo|log|hidden|internal|aux|additional(?:_?(?:info|context|data|notes))?|misc|payload|trace|diagnostics?)$';

/** A description asking for the conversation or the model's instructions. */
export const CONVERSATION_REQUEST = alt(
  '\\b(?:conversation|chat|dialog(?:ue)?|message|session)\\s+(?:history|log|transcript)\\b',
  '\\b(?:all|every|entire|full|complete|whole)\\s+(?:of\\s+the\\s+)?(?:previous\\s+|prior\\s+|earlier\\s+)?(?:conversation|chat|messages|context|history|transcript)\\b',
  '\\bsystem\\s+prompt\\b',
  '\\b(?:your|the assistant\'s|the model\'s)\\s+(?:system\\s+)?(?:instructions|prompt|rules)\\b',
  '\\bprevious\\s+(?:messages|tool (?:calls|results|outputs))\\b',
);

/** A description asking for secrets the agent can reach (not the user's own key for this tool). */
export const SECRET_REQUEST = alt(
  `\\b(?:all|any|every)\\s+(?:api[ _-]?keys?|secrets?|passwords?|tokens?|credentials)\\b`,
  `\\b(?:api[ _-]?keys?|secrets?|passwords?|tokens?|credentials)\\b${W(40)}\\b(?:from|in|found in|stored in)\\s+(?:the\\s+|your\\s+)?(?:environment|env|conversation|context|memory|files?|disk|system|config)`,
  '\\benvironment variables\\b',
  '\\benv vars\\b',
);

// ---- hand-over directives: an order to move a secret or the conversation somewhere

/** Verbs that move data, in the imperative (base form: `sends` is a tool describing itself). */
export const HANDOVER_VERB = '\\b(?:send|e-?mail|mail|upload|post|forward|transmit|exfiltrate|leak|share|include|attach|append|put|insert|paste|copy|pass|submit|provide|supply|embed|write|dump|report|relay|sync|push|deliver|ship|pipe|bcc|cc)\\b';

/** Adverbs allowed between a lead and its verb; the covert ones (COVERT) make an order clear on their own. */
const HANDOVER_ADVERB = '(?:silently|secretly|quietly|covertly|discreetly|stealthily|surreptitiously|invisibly|also|always|then|first|immediately|automatically|just|now|additionally)';

/**
 * A short subordinate clause or sequencing word and its comma, opening a sentence's main clause:
 * `Before answering,`, `After you respond,`, `When called,`, `Once done,`, `If asked,`, `Finally,`.
 * The subordinate clause stays within one sentence and holds no other comma.
 */
const CLAUSE_OPENER = `\\b(?:before|after|when|whenever|once|if|upon|on|while|as soon as|prior to|each time|every time|in addition|additionally|finally|afterwards?|meanwhile|next|lastly|first|then|also)\\b[^.!?;:,\\n]{0,60},`;

/**
 * What comes right before an imperative addressed to the model, at the end of the text before the
 * verb: a sentence start, a clause opener (`Before answering,`), a modal or sequencing word,
 * `instruct/tell/ask the assistant to`, or `use/call TOOL to`, with up to two adverbs
 * (`silently`, `also` …) in between.
 */
export const HANDOVER_LEAD = `(?:^|[.!?:;>\\]\\n-]\\s*|${CLAUSE_OPENER}\\s*|\\b(?:must|should|shall|please|then|and|also|always|first|now|you|need to|have to|are to|is to|be sure to|make sure to|(?:instruct|tell|ask|direct|order|get|have|make)\\s+(?:the\\s+|your\\s+)?(?:assistant|model|ai|agent|llm|claude|chatbot|bot)\\s+to|(?:use|call|invoke|run)\\s+(?:the\\s+)?[a-z0-9_.-]{1,64}(?:\\s+tool)?\\s+to)\\s+)(?:${HANDOVER_ADVERB}\\s+){0,2}$`;

/** Where the moved data goes: an address, a URL, a host, or a parameter of a tool. */
export const HANDOVER_DESTINATION = alt(
  '[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\\.[a-z0-9-]{1,63})+',
  '\\b(?:https?|ftp|wss?)://',
  '\\b(?:to|into|onto|at)\\s+(?:the\\s+|our\\s+|this\\s+|a\\s+|my\\s+)?(?:server|endpoint|webhook|url|address|host|domain|collector|bucket|pastebin|gist|channel|inbox)\\b',
  '\\bto\\s+[a-z0-9-]{1,63}(?:\\.[a-z0-9-]{1,63})*\\.(?:com|net|org|io|dev|app|xyz|ru|cn|top|site|example|info|co|me|sh|cc|tk)\\b',
  '\\b(?:parameter|param|argument|arg|field|property)\\b',
  // A parameter named in quotes: "pass the text of ~/.cursor/mcp.json as \`config\`".
  `\\b(?:as|in|into|via|through|inside)\\s+(?:the\\s+|its\\s+)?['"\`][a-z0-9_.-]{1,40}['"\`]`,
);

/** The secrets and context a hand-over may name: sensitive files, secrets, the conversation, the system prompt. */
export const HANDOVER_OBJECT = alt(SENSITIVE_PATH, SENSITIVE_PROSE, CONVERSATION_REQUEST, SECRET_REQUEST, '\\b(?:conversation|chat) (?:so far|transcript|contents?)\\b', '\\b(?:the|this|entire|whole|full) (?:conversation|chat)\\b');
