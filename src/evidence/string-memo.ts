// A bounded memo for a string → string function over values that repeat from record to record
// (transport, event, method, policy hash, key id…). Its keys may come from the wire (a method name,
// a session id), hence both bounds: long strings are not remembered, and a full memo starts over.
const MEMO_MAX = 256;
const MEMO_LENGTH = 128;

export function memoizedText<T extends string | null>(fn: (s: string) => T): (s: string) => T {
  const memo = new Map<string, T>();
  return (s) => {
    if (s.length > MEMO_LENGTH) return fn(s);
    const hit = memo.get(s);
    if (hit !== undefined) return hit;
    const q = fn(s);
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(s, q);
    return q;
  };
}
