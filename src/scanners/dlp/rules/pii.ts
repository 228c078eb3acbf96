// Personal data: payment card numbers, IBANs, US Social Security numbers.
import { ibanLength, ibanMod97, longestRun, longestSequence, luhn } from '../checks.ts';
import type { CheckContext, DlpRule } from '../types.ts';
import { MITRE } from '../types.ts';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The value is not glued to a longer number: no `digit[-.,/]` right before it, no `[-.,/]digit` right after it. */
function standsAlone(ctx: CheckContext): boolean {
  const t = ctx.text;
  const before = ctx.start > 0 ? t.charCodeAt(ctx.start - 1) : 32;
  const before2 = ctx.start > 1 ? t.charCodeAt(ctx.start - 2) : 32;
  const after = t.charCodeAt(ctx.end);
  const after2 = t.charCodeAt(ctx.end + 1);
  const joiner = (c: number): boolean => c === 45 || c === 46 || c === 44 || c === 47; // - . , /
  if (isDigit(before) || isDigit(after)) return false;
  if (joiner(before) && isDigit(before2)) return false;
  if (joiner(after) && isDigit(after2)) return false;
  return true;
}

interface CardBrand {
  readonly name: string;
  readonly lengths: readonly number[];
  readonly prefix: (d: string) => boolean;
}

const num = (d: string, n: number): number => Number(d.slice(0, n));

const BRANDS: readonly CardBrand[] = [
  { name: 'Visa', lengths: [13, 16, 19], prefix: (d) => d.startsWith('4') },
  { name: 'Mastercard', lengths: [16], prefix: (d) => (num(d, 2) >= 51 && num(d, 2) <= 55) || (num(d, 4) >= 2221 && num(d, 4) <= 2720) },
  { name: 'Amex', lengths: [15], prefix: (d) => d.startsWith('34') || d.startsWith('37') },
  {
    name: 'Discover',
    lengths: [16, 17, 18, 19],
    prefix: (d) => d.startsWith('6011') || d.startsWith('65') || (num(d, 3) >= 644 && num(d, 3) <= 649),
  },
  { name: 'Diners', lengths: [14, 16], prefix: (d) => (num(d, 3) >= 300 && num(d, 3) <= 305) || d.startsWith('36') || d.startsWith('38') },
  { name: 'JCB', lengths: [16, 17, 18, 19], prefix: (d) => num(d, 4) >= 3528 && num(d, 4) <= 3589 },
  { name: 'UnionPay', lengths: [16, 17, 18, 19], prefix: (d) => d.startsWith('62') },
];

function digitsOf(value: string): string {
  let d = '';
  for (let i = 0; i < value.length; i++) if (isDigit(value.charCodeAt(i))) d += value.charAt(i);
  return d;
}

function cardBrand(digits: string): CardBrand | undefined {
  return BRANDS.find((b) => b.prefix(digits) && b.lengths.includes(digits.length));
}

/** Separators, if any, are all the same character and cut the number into 4-digit groups (Amex/Diners: 4-6-rest). */
function plausibleGrouping(value: string, digits: string): boolean {
  const groups: number[] = [];
  let sep = '';
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (isDigit(value.charCodeAt(i))) run++;
    else {
      if (sep === '') sep = ch;
      else if (sep !== ch) return false;
      groups.push(run);
      run = 0;
    }
  }
  groups.push(run);
  if (groups.length === 1) return digits.length <= 16; // unbroken: 13–16 digits only (longer runs are usually ids)
  const allFour = groups.slice(0, -1).every((g) => g === 4) && (groups.at(-1) ?? 0) >= 1 && (groups.at(-1) ?? 0) <= 4;
  const amexStyle = groups.length === 3 && groups[0] === 4 && groups[1] === 6 && (groups[2] === 5 || groups[2] === 4);
  return allFour || amexStyle;
}

function cardOk(value: string, ctx: CheckContext): boolean {
  const digits = digitsOf(value);
  if (!cardBrand(digits) || !luhn(digits)) return false;
  if (longestRun(digits) >= digits.length) return false; // 0000…, 4444 4444 …
  return plausibleGrouping(value, digits) && standsAlone(ctx);
}

function cardEvidence(value: string): string {
  const digits = digitsOf(value);
  return `${cardBrand(digits)?.name ?? 'card'} ending ${digits.slice(-4)} [${digits.length} digits]`;
}

function ibanOk(value: string): boolean {
  const compact = value.split(' ').join('');
  const expected = ibanLength(compact.slice(0, 2));
  return expected === compact.length && ibanMod97(compact);
}

function ibanEvidence(value: string): string {
  const compact = value.split(' ').join('');
  return `${compact.slice(0, 2)} IBAN [${compact.length} chars]`;
}

// Numbers the SSA never issued but that circulate widely (the 1938 Woolworth wallet card and an
// advertising number): seen in text, they are examples, not someone's SSN.
const SSN_PUBLISHED = new Set(['078051120', '219099999']);

function ssnOk(value: string, ctx: CheckContext): boolean {
  const d = digitsOf(value);
  if (d.length !== 9) return false;
  const area = Number(d.slice(0, 3));
  const group = Number(d.slice(3, 5));
  const serial = Number(d.slice(5));
  if (area === 0 || area === 666 || area >= 900 || group === 0 || serial === 0) return false;
  if (SSN_PUBLISHED.has(d) || longestRun(d) >= 5 || longestSequence(d) >= 6) return false;
  // With separators they must match: 123-45-6789 or 123 45 6789.
  if (value.length === 11 && value.charAt(3) !== value.charAt(6)) return false;
  return standsAlone(ctx);
}

function ssnEvidence(value: string): string {
  return `SSN ending ${digitsOf(value).slice(-4)}`;
}

const SSN_WORDS = ['ssn', 'social security', 'social-security', 'socialsecurity', 'social_security'];

export const PII_RULES: readonly DlpRule[] = [
  {
    id: 'dlp/credit-card',
    name: 'Payment card number',
    severity: 'high',
    category: 'pii',
    mitre: MITRE.personalData,
    keywords: [],
    // 13–16 digits unbroken, 4-4-4-4(-3) groups, or 4-6-5 / 4-6-4 (Amex, Diners); brand, Luhn and grouping checked after.
    pattern:
      '\\b([2-6][0-9]{3}(?:[ -][0-9]{4}[ -][0-9]{4}[ -][0-9]{1,4}(?:[ -][0-9]{3})?|[ -][0-9]{6}[ -][0-9]{4,5}|[0-9]{9,12}))\\b',
    group: 1,
    placeholders: 'none',
    check: cardOk,
    evidence: cardEvidence,
    yieldsTo: ['dlp/iban'],
    advice: 'Remove or mask the card number (keep at most the last 4 digits) unless sending it is intended.',
  },
  {
    id: 'dlp/iban',
    name: 'IBAN (bank account number)',
    severity: 'medium',
    category: 'pii',
    mitre: MITRE.personalData,
    keywords: [],
    pattern: '\\b([A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?))\\b',
    group: 1,
    placeholders: 'none',
    check: ibanOk,
    evidence: ibanEvidence,
    advice: 'Remove the account number unless sending it is intended.',
  },
  {
    id: 'dlp/us-ssn',
    name: 'US Social Security number',
    severity: 'high',
    category: 'pii',
    mitre: MITRE.personalData,
    keywords: [],
    pattern: '\\b([0-9]{3}[- ][0-9]{2}[- ][0-9]{4})\\b',
    group: 1,
    placeholders: 'none',
    check: ssnOk,
    evidence: ssnEvidence,
    yieldsTo: ['dlp/credit-card', 'dlp/iban'],
    advice: 'Remove or mask the SSN unless sending it is intended.',
  },
  {
    id: 'dlp/us-ssn-unformatted',
    name: 'US Social Security number (9 digits next to "SSN")',
    severity: 'high',
    category: 'pii',
    mitre: MITRE.personalData,
    keywords: SSN_WORDS,
    pattern: '\\b([0-9]{9})\\b',
    group: 1,
    placeholders: 'none',
    context: { words: SSN_WORDS, before: 60 },
    check: ssnOk,
    evidence: ssnEvidence,
    advice: 'Remove or mask the SSN unless sending it is intended.',
  },
];
