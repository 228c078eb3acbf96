/** Why the receipts writer refused to start or to go on; `code` is stable, `message` is for people. */
export type ReceiptsErrorCode =
  | 'RECEIPTS_LOCKED'
  | 'RECEIPTS_KEY_MISMATCH'
  | 'RECEIPTS_TAIL_INVALID'
  | 'RECEIPTS_CLOSED'
  | 'RECEIPTS_WRITE_FAILED';

export class ReceiptsError extends Error {
  readonly code: ReceiptsErrorCode;
  constructor(code: ReceiptsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReceiptsError';
    this.code = code;
  }
}
