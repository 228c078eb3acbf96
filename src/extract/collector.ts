import type { Finding, Flow } from '../core/index.ts';
import { prepare, type NormalizeLimits } from '../normalize/index.ts';
import type { Segment, SegmentPart } from '../scanners/types.ts';
import type { ExtractLimits } from './limits.ts';

/** Accumulates segments and limit findings for one input, enforcing the segment bound. */
export class SegmentCollector {
  readonly segments: Segment[] = [];
  readonly findings: Finding[] = [];
  #overflow = false;

  constructor(
    readonly limits: ExtractLimits,
    readonly normalizeLimits: NormalizeLimits,
  ) {}

  add(location: string, part: SegmentPart, flow: Flow, text: string): void {
    if (text.length === 0) return;
    if (this.segments.length >= this.limits.maxSegments) {
      if (!this.#overflow) {
        this.#overflow = true;
        this.limit('engine/too-many-segments', location, `The input has more than ${this.limits.maxSegments} parts to inspect; it was not fully scanned.`);
      }
      return;
    }
    this.segments.push({ location, part, flow, prepared: prepare(text, this.normalizeLimits) });
  }

  /** Records that something could not be read in full: a blocking finding, by the fail-closed rule. */
  limit(rule: string, location: string, message: string): void {
    this.findings.push({
      scanner: 'engine',
      rule,
      severity: 'high',
      category: 'limits',
      mitre: 'T1027',
      location,
      evidence: '',
      message,
    });
  }
}
