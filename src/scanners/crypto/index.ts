// crypto: finds BIP-39 seed phrases (checksum-verified) and wallet addresses that imitate an
// allowlisted one (address poisoning) or carry a broken EIP-55 checksum, in clean text and decoded layers.
// It must never put seed words in a finding, never derive keys from a phrase, and never look an
// address up anywhere (no network): judgement is from the text alone.
import type { Finding } from '../../core/index.ts';
import type { DecodedLayer } from '../../normalize/types.ts';
import type { Scanner, ScanView } from '../types.ts';
import { lookAlikeOf, parseAllowlisted, scanAddresses, scanEthAddresses, type AddressScan, type ParsedAddress } from './addresses.ts';
import { findSeedPhrases, MNEMONIC_SIZES, type SeedHit } from './seed-phrase.ts';
import { FindingSink } from '../common.ts';

export { findSeedPhrases, bip39Runs, checksumOk, MNEMONIC_SIZES, type SeedHit, type SeedScanResult } from './seed-phrase.ts';

/**
 * How a checksum-valid window is judged, from the shape of its run (1 in 16 random 12-word windows
 * pass, so a run of ordinary list words offers many chances):
 * - `critical`: named as a phrase just before (`seed:`, `recovery phrase`, `24 words`) or numbered
 *   word by word; else a run that is not a comma list in prose, with at most `maxExtraWords` other
 *   words around the window, and, when the run is laid out as a list, the window is the whole run
 *   or set apart from the rest by its separators (a list's extra words are more items, not prose);
 * - `medium`: a comma list in a line of prose that is exactly the phrase (`Posted in: a, b, …`,
 *   tags and keywords), or a window inside a longer run;
 * - nothing: a window inside a longer comma list in prose.
 */
export function seedSeverity(h: SeedHit, maxExtraWords: number): 'critical' | 'medium' | undefined {
  if (h.named || h.numbered) return 'critical';
  if (h.inlineList) return h.extra === 0 ? 'medium' : undefined;
  if (h.extra > maxExtraWords) return 'medium';
  if (h.listLike && h.extra > 0 && !h.setApart) return 'medium';
  return 'critical';
}
export { eip55, findAddresses, findEthAddresses, lookAlikeOf, parseAddress, parseAllowlisted, scanAddresses, scanEthAddresses, type AddressKind, type AddressScan, type ParsedAddress } from './addresses.ts';

export interface CryptoOptions {
  /** Addresses the agent legitimately pays; look-alikes of these are flagged. */
  readonly allowlistedAddresses: readonly string[];
  /** First characters (after `0x`, `bc1q`, `bnb1`, the version char) a look-alike shares with an allowlisted address. */
  readonly poisoningMinPrefix: number;
  /** Last characters a look-alike shares. */
  readonly poisoningMinSuffix: number;
  /** Report mixed-case ETH addresses whose case does not match the EIP-55 checksum. */
  readonly flagBadChecksum: boolean;
  /** Report every valid address that is not allowlisted, as `info` (off: addresses are public data). */
  readonly reportAddresses: boolean;
  /**
   * Report lists of exactly 12, 15, 18, 21 or 24 BIP-39 words whose checksum fails (a mistyped phrase),
   * as `low`; a comma list inside a line of prose (tags, topics) is not one.
   */
  readonly reportUnverifiedPhrases: boolean;
  /**
   * A checksum-valid window with more than this many extra BIP-39 words around it (a word list, a
   * long run of ordinary words) is `medium` instead of `critical`: 1 in 16 random 12-word windows pass.
   */
  readonly maxExtraWords: number;
  /** Checksum tests per text (linear budget); a text that needs more reports crypto/scan-incomplete. */
  readonly maxWindows: number;
  /** Also search decoded layers (base64, hex, url… peeled by normalize). */
  readonly searchLayers: boolean;
  readonly maxFindings: number;
}

export const DEFAULT_CRYPTO_OPTIONS: CryptoOptions = {
  allowlistedAddresses: [],
  poisoningMinPrefix: 4,
  poisoningMinSuffix: 4,
  flagBadChecksum: true,
  reportAddresses: false,
  reportUnverifiedPhrases: true,
  maxExtraWords: 6,
  maxWindows: 4096,
  searchLayers: true,
  maxFindings: 100,
};

const SCANNER = 'crypto' as const;
/** Twelve words of ≥ 3 letters with one separator between them. */
const MIN_SEED_CHARS = 12 * 4 - 1;
/** The shortest address parseAddress accepts. */
const MIN_ADDRESS_CHARS = 26;
/**
 * Address candidates examined per text (linear: each is ≥ 26 characters). A text holding more reports
 * crypto/scan-incomplete rather than leaving the rest unread.
 */
const MAX_ADDRESS_CANDIDATES = 10_000;

function short(address: string): string {
  return address.length <= 14 ? address : `${address.slice(0, 8)}…${address.slice(-6)}`;
}


/** Which addresses a scan acts on: none, ETH only (checksums, ETH allowlist entries), or every kind. */
type AddressNeed = 'none' | 'eth' | 'all';

function addressNeed(o: CryptoOptions, allowlist: readonly ParsedAddress[]): AddressNeed {
  if (o.reportAddresses || allowlist.some((a) => a.kind !== 'eth')) return 'all';
  return o.flagBadChecksum || allowlist.length > 0 ? 'eth' : 'none';
}

/**
 * A FindingSink that remembers when it had to drop a finding: then the rest of the input is not
 * inspected and the scan reports crypto/scan-incomplete (fail closed).
 */
class Sink {
  readonly inner: FindingSink;
  /** Set by the first limit that cut the scan short; reported once, as the last finding. */
  stopped: Finding | undefined;
  constructor(max: number) {
    this.inner = new FindingSink(max);
  }
  /** A limit was reached: no further text is read (the current one is finished). */
  get full(): boolean {
    return this.stopped !== undefined;
  }
  /** True once a finding had to be dropped for lack of room. */
  overflowed = false;
  push(f: Finding, key: string): void {
    if (this.inner.full) {
      if (this.inner.has(key)) return; // a repeat of a kept finding needs no room
      this.overflowed = true;
      this.stop(f.location, `The crypto check stopped after ${this.inner.max} findings at ${f.location}; the rest of the input was not inspected.`);
      return;
    }
    this.inner.push(f, key);
  }
  stop(location: string, message: string): void {
    this.stopped ??= { scanner: SCANNER, rule: 'crypto/scan-incomplete', severity: 'high', category: 'limits', mitre: 'T1027', location, evidence: '', message };
  }
  result(): Finding[] {
    const out = this.inner.findings;
    if (this.stopped) out.push(this.stopped);
    return out;
  }
}

/** Seed phrases and addresses in one text (a segment's clean text or one of its decoded layers). */
function scanText(out: Sink, o: CryptoOptions, allowlist: readonly ParsedAddress[], need: AddressNeed, text: string, segLocation: string, layer: DecodedLayer | undefined): void {
  // Cheap length gates first: most segments (URL pieces, short values) can hold neither.
  const seeds = text.length >= MIN_SEED_CHARS ? findSeedPhrases(text, o.maxWindows) : undefined;
  const found: AddressScan | undefined =
    text.length < MIN_ADDRESS_CHARS || need === 'none' ? undefined : need === 'eth' ? scanEthAddresses(text, MAX_ADDRESS_CANDIDATES) : scanAddresses(text, MAX_ADDRESS_CANDIDATES);
  const addresses = found?.addresses;
  const location = layer ? `${segLocation}|${layer.chain.join('|')}` : segLocation;
  if (seeds?.truncated) {
    out.stop(location, `The seed-phrase check ran out of its budget in ${location} (a very long run of BIP-39 words); the rest was not inspected.`);
  }
  if (found && !found.complete) {
    out.stop(location, `The crypto check examined ${MAX_ADDRESS_CANDIDATES} address candidates in ${location} and stopped; the rest was not inspected.`);
  }
  if ((!seeds || (seeds.hits.length === 0 && seeds.unverified.length === 0)) && (!addresses || addresses.length === 0)) return;
  // Seed phrases.
  if (seeds) {
    for (const h of seeds.hits) {
      if (h.sorted) continue; // an excerpt of the word list itself
      const severity = seedSeverity(h, o.maxExtraWords);
      if (!severity) continue;
      const isolated = severity === 'critical';
      out.push(
        {
          scanner: SCANNER,
          rule: 'crypto/seed-phrase',
          severity,
          category: 'crypto',
          mitre: 'T1552',
          location,
          evidence: `[${h.words} BIP-39 words, checksum valid${isolated ? '' : h.extra > 0 ? `, inside a run of ${h.words + h.extra} such words` : ', a comma list in prose'}]`,
          message: isolated
            ? `A ${h.words}-word wallet recovery phrase (valid BIP-39 checksum) is in this content: whoever reads it controls the wallet. Block it, and treat the wallet as compromised if it already left.`
            : `${h.words} BIP-39 words ${h.extra > 0 ? 'inside a longer run of such words' : 'listed in a sentence'} pass the phrase checksum (1 in 16 random 12-word lists do): likely a word list, but check that no recovery phrase is being sent.`,
        },
        `seed|${location}|${h.start}|${h.words}`,
      );
    }
    if (o.reportUnverifiedPhrases) {
      for (const u of seeds.unverified) {
        // A mistyped phrase has a phrase's length; a comma list in prose is a list of topics.
        if (!u.listLike || u.sorted || u.inlineList || !MNEMONIC_SIZES.includes(u.words)) continue;
        out.push(
          {
            scanner: SCANNER,
            rule: 'crypto/seed-phrase-unverified',
            severity: 'low',
            category: 'crypto',
            mitre: 'T1552',
            location,
            evidence: `[${u.words} BIP-39 words in a list, checksum not valid]`,
            message: `A list of ${u.words} BIP-39 words looks like a wallet recovery phrase, though its checksum does not match (mistyped, or not a phrase); check before it leaves.`,
          },
          `seedu|${location}|${u.start}`,
        );
      }
    }
  }

  // Addresses.
  for (const { address } of addresses ?? []) {
    if (out.overflowed) break;
    if (o.flagBadChecksum && address.checksum === 'invalid') {
      out.push(
        {
          scanner: SCANNER,
          rule: 'crypto/address-bad-checksum',
          severity: 'medium',
          category: 'crypto',
          mitre: 'T1657',
          location,
          evidence: short(address.text),
          message: `The Ethereum address ${short(address.text)} has mixed case that does not match its EIP-55 checksum: it was altered by hand or by an attacker. Do not send funds to it.`,
        },
        `cs|${location}|${address.normalized}`,
      );
    }
    if (allowlist.length > 0) {
      const look = lookAlikeOf(address, allowlist, o.poisoningMinPrefix, o.poisoningMinSuffix);
      if (look) {
        out.push(
          {
            scanner: SCANNER,
            rule: 'crypto/address-poisoning',
            severity: 'high',
            category: 'crypto',
            mitre: 'T1657',
            location,
            evidence: `${short(address.text)} imitates allowlisted ${short(look.allowlisted.text)} (first ${look.prefix} and last ${look.suffix} characters match)`,
            message: `The ${address.kind} address ${short(address.text)} is not on the allowlist but shares its first and last characters with the allowlisted ${short(look.allowlisted.text)}: the address-poisoning trick. Do not send funds to it.`,
          },
          `poison|${location}|${address.normalized}`,
        );
        continue;
      }
    }
    if (o.reportAddresses && !allowlist.some((w) => w.normalized === address.normalized)) {
      out.push(
        {
          scanner: SCANNER,
          rule: 'crypto/wallet-address',
          severity: 'info',
          category: 'crypto',
          mitre: 'T1657',
          location,
          evidence: short(address.text),
          message: `A ${address.kind} wallet address that is not on the allowlist: ${short(address.text)}.`,
        },
        `addr|${location}|${address.normalized}`,
      );
    }
  }
}

/** Longest field that may hold a piece of a phrase split over fields (24 words of 8 letters with separators). */
const MAX_WORD_FIELD = 256;
/** Fields and characters joined per scan for the check below (bounded: the rest is not joined). */
const MAX_JOINED_FIELDS = 512;
const MAX_JOINED_CHARS = 64 * 1024;

/** Whether a field's text is only words and list punctuation (letters, digits, spaces, `,.;:#()"'-`), with a letter. */
function wordsOnly(text: string): boolean {
  if (text.length === 0 || text.length > MAX_WORD_FIELD) return false;
  let letter = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if (c >= 0x61 && c <= 0x7a) letter = true;
    else if (!((c >= 0x30 && c <= 0x39) || c === 0x20 || c === 0x29 || c === 0x2a || c === 0x2c || c === 0x2e || c === 0x3b || c === 0x3a || c === 0x23 || c === 0x28 || c === 0x22 || c === 0x27 || c === 0x2d || c === 0x2f)) return false;
  }
  return letter;
}

/**
 * A phrase the agent sends one word (or a few) per field: `{"words":["abandon", …]}`, `w0=…&w1=…`, one word per
 * MCP argument. Fields that hold only words are joined in input order and searched as one text;
 * fields of anything else, and keys, are left out rather than treated as a break, so keys and ids
 * between the values do not hide the run. The checksum keeps this from flagging ordinary lists of words. Hits that lie in a
 * single field were already reported by that field's own search.
 */
function scanJoinedFields(out: Sink, o: CryptoOptions, segments: ScanView['segments']): void {
  const parts: string[] = [];
  const starts: number[] = [];
  const locations: string[] = [];
  let length = 0;
  for (const seg of segments) {
    // Keys name the fields (`w0`, `word_3`): they are not part of what is sent. Only what the agent
    // sends is joined: a response's tag or keyword list of 12+ list words passes the phrase checksum
    // one time in sixteen, and a phrase split over a page's fields is not a leak from the agent.
    if (seg.flow !== 'egress' || seg.part === 'url-query-key' || seg.part === 'body-key') continue;
    const text = seg.prepared.clean;
    if (!wordsOnly(text)) continue;
    if (parts.length >= MAX_JOINED_FIELDS || length + text.length + 1 > MAX_JOINED_CHARS) break;
    starts.push(length);
    parts.push(text);
    locations.push(seg.location);
    length += text.length + 1;
  }
  if (parts.length < 2) return;
  const joined = parts.join('\n');
  if (joined.length < MIN_SEED_CHARS) return;
  const found = findSeedPhrases(joined, o.maxWindows);
  const fieldOf = (at: number): number => {
    let k = 0;
    while (k + 1 < starts.length && (starts[k + 1] as number) <= at) k++;
    return k;
  };
  for (const h of found.hits) {
    if (h.sorted || seedSeverity(h, o.maxExtraWords) !== 'critical') continue;
    const first = fieldOf(h.start);
    const last = fieldOf(Math.max(h.start, h.end - 1));
    if (first === last) continue;
    const location = `${locations[first]} … ${locations[last]}`;
    out.push(
      {
        scanner: SCANNER,
        rule: 'crypto/seed-phrase',
        severity: 'critical',
        category: 'crypto',
        mitre: 'T1552',
        location,
        evidence: `[${h.words} BIP-39 words over ${last - first + 1} fields, checksum valid]`,
        message: `A ${h.words}-word wallet recovery phrase (valid BIP-39 checksum) is spread over ${last - first + 1} fields of this content: whoever reads it controls the wallet. Block it, and treat the wallet as compromised if it already left.`,
      },
      `seedj|${location}|${h.words}`,
    );
  }
}

export function createCryptoScanner(options: Partial<CryptoOptions> = {}): Scanner {
  const o: CryptoOptions = { ...DEFAULT_CRYPTO_OPTIONS, ...options };
  const allowlist: ParsedAddress[] = [];
  for (const a of o.allowlistedAddresses) {
    const p = parseAllowlisted(a);
    if (p) allowlist.push(p);
  }
  const need = addressNeed(o, allowlist);

  return {
    id: SCANNER,
    scan(view, _ctx) {
      const out = new Sink(o.maxFindings);
      for (const seg of view.segments) {
        if (out.full) break;
        scanText(out, o, allowlist, need, seg.prepared.clean, seg.location, undefined);
        if (o.searchLayers) {
          for (const layer of seg.prepared.layers) {
            if (out.full) break;
            scanText(out, o, allowlist, need, layer.clean, seg.location, layer);
          }
        }
      }
      if (!out.full && view.segments.length > 1) scanJoinedFields(out, o, view.segments);
      return out.result();
    },
  };
}
