// Small helpers shared by several scanners. Pure; no I/O.
import type { Finding } from '../core/index.ts';

/** Findings of one scan, deduplicated by key and capped at `max`. */
export class FindingSink {
  readonly findings: Finding[] = [];
  #seen: Set<string> | undefined;
  constructor(readonly max: number) {}
  get full(): boolean {
    return this.findings.length >= this.max;
  }
  /** Whether a finding with this key was already kept (a repeat needs no room). */
  has(key: string): boolean {
    return this.#seen?.has(key) ?? false;
  }
  push(f: Finding, key: string): void {
    this.#seen ??= new Set();
    if (this.findings.length >= this.max || this.#seen.has(key)) return;
    this.#seen.add(key);
    this.findings.push(f);
  }
}

/** A token character: the base64/base64url alphabet plus `=` padding ([A-Za-z0-9+/=_-]). */
export function isTokenChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x2b ||
    c === 0x2f ||
    c === 0x3d ||
    c === 0x5f ||
    c === 0x2d
  );
}
