// state/pins: persistent tool pins for rug-pull detection. A tool's first definition seen
// from a server is pinned on disk; a later, different definition is reported as changed and
// stays pending until approved. Bounded: tools per server, text kept per tool, file size.
export { canonicalJson, CanonicalError } from './canonical.ts';
export { fingerprintTool, renderToolBody, PINNED_FIELDS, type ToolFingerprint } from './fingerprint.ts';
export { unifiedDiff } from './diff.ts';
export {
  createPinStore,
  serverPinId,
  PinsError,
  type ObserveReport,
  type PendingChange,
  type PinStore,
  type PinStoreOptions,
  type ServerPins,
  type ToolPin,
  type ToolStatus,
} from './store.ts';
