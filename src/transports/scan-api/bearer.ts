// The admin API's bearer-token check, shared by every route that needs the token.
import { timingSafeEqual } from 'node:crypto';

/** The token of an `Authorization: Bearer <token>` header, or '' when there is none. */
export function bearerToken(header: string | undefined): string {
  const auth = header ?? '';
  return auth.startsWith('Bearer ') ? auth.slice(7) : '';
}

/** Whether the header carries exactly `token`, compared in constant time for equal lengths. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(bearerToken(header));
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}
