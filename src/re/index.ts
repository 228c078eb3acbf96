// re: the only way Tollgate code matches attacker-controlled text with a regular expression.
// Every pattern runs on a linear-time engine: the native `re2` binding when it installed,
// otherwise the pure-JS `re2js`. Never use a JS RegExp on untrusted input outside this module.
export { re, REGEX_ENGINE, type SafeRegex, type RegexMatch, type RegexFlags } from './safe-regex.ts';
export { regexSet, REGEX_SET_AVAILABLE, type RegexSet } from './regex-set.ts';
