import { createRequire } from 'node:module';
import { TollgateError } from '../core/errors.ts';
import { asciiBytes, REGEX_ENGINE } from './safe-regex.ts';

/** Which of many patterns occur in a text, in one linear pass (RE2::Set). */
export interface RegexSet {
  /** Indices of the patterns that match somewhere in `subject`. */
  match(subject: string | Buffer): number[];
}

type NativeSetCtor = new (patterns: readonly string[], flags?: string) => RegexSet;

function loadSetCtor(): NativeSetCtor | null {
  if (REGEX_ENGINE !== 're2') return null;
  try {
    const ctor = (createRequire(import.meta.url)('re2') as { Set?: NativeSetCtor }).Set;
    return typeof ctor === 'function' ? ctor : null;
  } catch {
    // The binding loaded for RE2 but has no Set: callers use their per-pattern path.
    return null;
  }
}

const SetCtor = loadSetCtor();

/** True when one-pass sets are available (native re2); re2js has none, so callers keep a fallback. */
export const REGEX_SET_AVAILABLE = SetCtor !== null;

/** Compiles a set of patterns, or returns null when sets are unavailable. Throws TollgateError on a bad pattern. */
export function regexSet(patterns: readonly string[], flags: '' | 'i' = ''): RegexSet | null {
  if (!SetCtor || patterns.length === 0) return null;
  try {
    const set = new SetCtor(patterns, `${flags}u`);
    // An ASCII text goes over as bytes (see asciiBytes): the binding's own string conversion costs more.
    return { match: (subject) => set.match(typeof subject === 'string' ? (asciiBytes(subject) ?? subject) : subject) };
  } catch (err) {
    throw new TollgateError('REGEX_COMPILE', `cannot compile a set of ${patterns.length} patterns: ${String(err)}`, { cause: err });
  }
}
