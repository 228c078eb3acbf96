/**
 * Evidence previews. A finding never carries a secret: it carries a short prefix,
 * the length and, where a caller supplies one, a keyed hash (computed outside the engine).
 */
export function redactPreview(secret: string, keep = 4): string {
  const chars = Array.from(secret);
  if (chars.length <= keep * 2) return `[${chars.length} chars]`;
  const head = chars.slice(0, Math.min(keep, Math.floor(chars.length / 4))).join('');
  return `${head}…[${chars.length} chars]`;
}

/** Shortens any text for messages (not for secrets): single line, bounded. */
export function clip(text: string, max = 80): string {
  const one = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}
