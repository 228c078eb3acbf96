// engine: builds the scanner chain from config (one registry: id → factory), runs it over one
// shared extraction, and turns findings into a verdict (mode, overrides, fail-closed wrapping).
// It never names a transport and never does I/O.
export { createEngine, engineLimits, type AddressCheck, type Engine, type EngineDeps, type ScanCallContext } from './engine.ts';
export { ssrfOptionsOf } from './ssrf-options.ts';
export { composeVerdict, actionFor, rankFindings, isIncomplete, type ActionPolicy } from './verdict.ts';
export { parseScanInput, ScanInputWire } from './input-schema.ts';
export { SCANNER_FACTORIES, buildScanners } from './registry.ts';
export { ruleCatalog, type RuleEntry } from './catalog.ts';
export { failClosed, lateVerdict, scanOffThread, type OffThreadOutcome, type OffThreadScans } from './off-thread.ts';
