/** Internal failures carry a stable string code; they are never shown to the agent. */
export type TollgateErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_READ'
  | 'INPUT_INVALID'
  | 'INPUT_TOO_LARGE'
  | 'SCANNER_FAILED'
  | 'REGEX_COMPILE'
  | 'INTERNAL';

export class TollgateError extends Error {
  readonly code: TollgateErrorCode;
  constructor(code: TollgateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TollgateError';
    this.code = code;
  }
}

export function assertNever(value: never, what = 'value'): never {
  throw new TollgateError('INTERNAL', `unexpected ${what}: ${JSON.stringify(value)}`);
}
