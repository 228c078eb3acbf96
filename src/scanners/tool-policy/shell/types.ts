/** A redirection of a simple command, after expansion. */
export interface Redirect {
  /**
   * Normalised operator: `>` (write), `>>` (append), `<` (read), `<>` (read-write), `>&`/`<&`
   * (descriptor duplication), `<<` (here-document), `<<<` (here-string).
   */
  readonly op: string;
  readonly fd: string;
  readonly target: string;
}

/** One command a shell would run, after quotes, escapes, variables and substitutions were resolved. */
export interface SimpleCommand {
  /** The words as the program receives them; argv[0] is the program as written (possibly a path). */
  readonly argv: readonly string[];
  /** argv[0]'s base name in lower case, without `.exe`: what rules match on. */
  readonly program: string;
  readonly redirects: readonly Redirect[];
  /** Run with `&`: detached from the calling shell. */
  readonly background: boolean;
  /**
   * Indexes (into ShellParse.commands) of commands whose output flows into this one: earlier
   * pipeline stages, and command or process substitutions inside its words.
   */
  readonly feeders: readonly number[];
  /** How the command was reached, outermost first: `sh -c`, `eval`, `$(…)`, `stdin`, `wrapper`, `glob`. Empty when written plainly. */
  readonly via: readonly string[];
}

export interface ShellParse {
  readonly commands: readonly SimpleCommand[];
  /** Why de-obfuscation stopped early (a limit), or null when the whole input was read. */
  readonly truncated: string | null;
}

export interface ShellLimits {
  /** Longest command text read at all; longer input is truncated. */
  readonly maxInputChars: number;
  /** Nesting of sh -c, eval, $(…), piped scripts and wrappers followed. */
  readonly maxDepth: number;
  /** Simple commands produced per input. */
  readonly maxCommands: number;
  /** Words kept per simple command. */
  readonly maxWords: number;
  /** Words one brace expansion may produce; a larger expansion is left unexpanded. */
  readonly maxBraceFields: number;
  /** Longest value a variable or substitution may hold. */
  readonly maxValueChars: number;
  /** Variables tracked per input. */
  readonly maxVars: number;
  /** Total characters of words, values and scripts produced per input (bounds every expansion). */
  readonly maxOutputChars: number;
}

export const DEFAULT_SHELL_LIMITS: ShellLimits = {
  maxInputChars: 64 * 1024,
  maxDepth: 4,
  maxCommands: 256,
  maxWords: 512,
  maxBraceFields: 128,
  maxValueChars: 64 * 1024,
  maxVars: 64,
  maxOutputChars: 512 * 1024,
};
