// Test helpers for scanners: build a ScanView from plain text without going through extraction.
import type { Flow, ScanInput } from '../core/index.ts';
import { prepare } from '../normalize/index.ts';
import type { ScanContext, ScanView, Segment, SegmentPart } from './types.ts';

export function segmentOf(text: string, location = 'text', part: SegmentPart = 'text', flow: Flow = 'neutral'): Segment {
  return { location, part, flow, prepared: prepare(text) };
}

export function viewOfText(text: string, part: SegmentPart = 'text', flow: Flow = 'neutral', location = 'text'): ScanView {
  const input: ScanInput = { kind: 'text', text, flow };
  return { input, segments: [segmentOf(text, location, part, flow)] };
}

export function viewOfSegments(input: ScanInput, segments: readonly Segment[], url?: string): ScanView {
  return url === undefined ? { input, segments } : { input, segments, url };
}

export const TEST_CTX: ScanContext = { now: 1_700_000_000_000 };
