// Start-up runs a lot of code exactly once (validating the config, building the scanners' tables),
// hot enough that V8 compiles it twice more: baseline code (Sparkplug), then optimized code
// (TurboFan, on background threads whose compiler memory glibc keeps in per-thread arenas once
// freed). None of it runs again, yet it stays resident in an idle proxy (measured on `tollgate run`,
// balanced preset: idle RSS ~7 MB lower with both held). Holding both compilers while Tollgate
// starts and giving them back afterwards leaves start-up code interpreted and lets the request path
// tier up under load exactly as before: V8 reads these flags each time it decides to compile.
// A compiler flag the operator set on the command line or in NODE_OPTIONS is left as they set it.
import { setFlagsFromString } from 'node:v8';

/** The compilers held, each with the flags that, when the operator passed one, leave it alone. */
const COMPILERS = [
  { flag: 'turbofan', operator: /^--(?:no-)?(?:turbofan|opt|max-opt(?:=.*)?|jitless|always-turbofan)$/ },
  { flag: 'sparkplug', operator: /^--(?:no-)?(?:sparkplug|always-sparkplug|jitless)$/ },
] as const;

/** Node and V8 flags the process was started with: the command line and NODE_OPTIONS. */
function startFlags(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].filter((a) => a.startsWith('--')).map((a) => `--${a.slice(2).replaceAll('_', '-')}`);
}

/** The compilers this process may hold: those the operator set no flag for. */
export function heldCompilers(execArgv: readonly string[] = process.execArgv, nodeOptions: string | undefined = process.env.NODE_OPTIONS): string[] {
  const flags = startFlags(execArgv, nodeOptions);
  return COMPILERS.filter((c) => !flags.some((f) => c.operator.test(f))).map((c) => c.flag);
}

let held: readonly string[] = [];

export function holdCompilers(): void {
  held = heldCompilers();
  for (const flag of held) setFlagsFromString(`--no-${flag}`);
}

export function releaseCompilers(): void {
  for (const flag of held) setFlagsFromString(`--${flag}`);
  held = [];
}
