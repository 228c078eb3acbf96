import type { Severity } from '../../core/index.ts';

/**
 * A predicate over one simple command (after de-obfuscation). Every field given must hold.
 * Regexes are RE2 syntax, matched case-insensitively (use `(?-i:…)` for a case-sensitive part)
 * against the command's arguments joined by single spaces, with paths normalised (`~` for the
 * home directory, `/` separators).
 */
export interface CommandPattern {
  /** Program base names (lower case); `name*` matches a prefix. Absent: any program. */
  readonly programs?: readonly string[];
  /** Programs this pattern never applies to. */
  readonly notPrograms?: readonly string[];
  /** Every regex must match the argument line. */
  readonly all?: readonly string[];
  /** At least one regex must match the argument line. */
  readonly any?: readonly string[];
  /** No regex may match the argument line. */
  readonly none?: readonly string[];
  /**
   * At least one regex must match the operands: the arguments joined as for `any`, without the
   * text the program is given rather than reads (message options of git/gh/glab/hg/svn/jj such as
   * `-m`, `--title`, `--body`; every word of `echo` and `printf`; a grep's pattern).
   */
  readonly operands?: readonly string[];
  /** At least one regex must match the last argument alone (a copy's destination). */
  readonly last?: readonly string[];
  /** At least one redirection (`op target`, e.g. `>> ~/.bashrc`, `> /dev/tcp/1.2.3.4/80`) must match one regex. */
  readonly redirect?: readonly string[];
  /** The command runs in the background (`&`). */
  readonly background?: boolean;
  /** Some command whose output flows into this one (pipe, $(…), <(…), directly or further up) matches. */
  readonly fedBy?: Omit<CommandPattern, 'fedBy'>;
}

/** One tool-call policy rule, as data: the built-in table and operators' config use the same shape. */
export interface PolicyRule {
  /** Kebab-case; findings are `tool-policy/<id>`. */
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  /** MITRE ATT&CK technique. */
  readonly mitre: string;
  /** Tags a matching call carries into the session's call window (for chain rules). */
  readonly tags?: readonly string[];
  /** Matches when any of these matches a simple command of a shell-like argument. */
  readonly commands?: readonly CommandPattern[];
  /** Matches a path-like argument (normalised) when any of these regexes matches it. */
  readonly paths?: readonly string[];
  /** Path patterns apply only to tools whose lower-case name matches one of these regexes. */
  readonly tools?: readonly string[];
  /** Path patterns never apply to tools whose lower-case name matches one of these regexes. */
  readonly notTools?: readonly string[];
  /**
   * Path patterns apply only to path arguments in this role (path-role.ts): `write` for where a
   * tool writes (a write tool's path, a copy's or move's destination), `read` for every other
   * path argument (what a tool reads, the source of a copy, move or upload included).
   */
  readonly pathRole?: 'read' | 'write';
}

/** A sequence within a session's recent tool calls: a call tagged `first`, then one tagged `then`. */
export interface ChainPattern {
  /** Kebab-case; findings are `tool-policy/<id>`. */
  readonly id: string;
  readonly description: string;
  readonly first: string;
  readonly then: string;
  /** The `then` call must come at most this many calls after the `first` one. */
  readonly within: number;
  readonly severity: Severity;
  readonly mitre: string;
}

export interface ChainOptions {
  readonly enabled: boolean;
  /** Calls remembered per session (bounds `within`). */
  readonly window: number;
  readonly patterns: readonly ChainPattern[];
  /** Programs whose use tags a call `network-send`. */
  readonly networkPrograms: readonly string[];
  /** Tool-name globs (`*fetch*`) whose calls are tagged `network-send`. */
  readonly networkTools: readonly string[];
  /** Tag a call `network-send` when any argument is an http(s) URL. */
  readonly urlArguments: boolean;
}
