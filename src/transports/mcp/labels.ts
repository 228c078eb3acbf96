/**
 * Names that come from the server (tool names) or the client go into locations, messages and
 * decision events. They are attacker-controlled: keep them printable, short and free of the
 * location separator.
 */
const MAX_LABEL = 64;

export function safeName(name: string): string {
  let out = '';
  let n = 0;
  for (const ch of name) {
    if (n >= MAX_LABEL) return `${out}…(${name.length})`;
    const c = ch.codePointAt(0) ?? 0;
    out += c > 0x20 && c < 0x7f && c !== 0x2e ? ch : '_';
    n++;
  }
  return out;
}

/** A short, loggable name for a server from its command line: the program's base name. */
export function serverLabel(command: string): string {
  const base = command.split(/[\\/]/).pop() ?? command;
  return safeName(base || 'server');
}
