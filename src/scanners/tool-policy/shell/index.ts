// shell: a static de-obfuscator for command strings. It resolves quoting, escapes, variables,
// IFS, braces, ANSI-C strings, printf/echo/base64 pipelines, eval, nested sh -c and wrappers
// into the simple commands a POSIX shell would run, without running anything. Pure and bounded.
export { deobfuscate, type DeobfuscateOptions } from './interpreter.ts';
export { isWrapper, programName, unversioned, SHELLS } from './programs.ts';
export { DEFAULT_SHELL_LIMITS, type Redirect, type ShellLimits, type ShellParse, type SimpleCommand } from './types.ts';
