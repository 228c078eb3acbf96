// receipts: every decision as a signed (Ed25519), hash-chained, RFC 8785 canonical JSON record in
// an append-only file, verifiable offline by anyone with the public key. Records only what the
// decision event says; never decides, never blocks the caller, never stores a target in clear.
export { canonicalize, canonicalBytes, CanonicalJsonError } from './canonical.ts';
export { ChainBuilder, sealRecord, type ChainHead, type Sealed } from './chain.ts';
export { ReceiptsError, type ReceiptsErrorCode } from './errors.ts';
export * from './format.ts';
export { receiptJsonSchema } from './json-schema.ts';
export * from './keys.ts';
export { openReceipts, openReceiptsAt, describeOpen, type OpenedReceipts, type ReceiptsNotice } from './open.ts';
export { printable, timelineLine, TIMELINE_HEADER } from './timeline.ts';
export { readLines } from './file-lines.ts';
export { describeVerify, VERIFY_EXIT } from './verify-text.ts';
export { verifyReceipts, verifyReceiptsFile, parseLine, ReceiptVerifier, BROKEN_REASONS, type BrokenReason, type VerifyResult, type VerifyOptions, type VerifyWarning } from './verify.ts';
export { createReceiptWriter, type ReceiptWriter, type ReceiptWriterOptions, type ReceiptWriterStats, type OpenReport } from './writer.ts';
