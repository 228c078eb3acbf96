// Path normalisation for matching: home directories in any spelling become `~`, backslashes
// become slashes, and `.`/`..`/empty segments are resolved, so one regex per sensitive file
// covers /home/u/.ssh, /Users/u/.ssh, /root/.ssh, $HOME/.ssh, C:\Users\u\.ssh and ~/x/../.ssh.
import { re } from '../../re/index.ts';

const HOME = re(`(^|[=@:'"\\s])(?:/home/[^/\\s]+|/users/[^/\\s]+|/root|/var/root|[a-z]:/users/[^/\\s]+|%userprofile%|%homepath%|\\$\\{?home\\}?)(/|$|\\s)`, 'i');
const MAX_WORD = 4096;

function resolveSegments(word: string): string {
  if (!word.includes('/.') && !word.includes('//')) return word;
  const parts = word.split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    if (p === '.' && i > 0) continue;
    if (p === '' && i > 0 && i < parts.length - 1 && !(out[out.length - 1] ?? '').endsWith(':')) continue;
    if (p === '..' && out.length > 1 && out[out.length - 1] !== '..' && out[out.length - 1] !== '') {
      out.pop();
      continue;
    }
    out.push(p);
  }
  return out.join('/');
}

/** One word (an argument or a path argument) in the form rules match. */
export function normalisePath(word: string): string {
  if (word.length > MAX_WORD) return word;
  let w = word.includes('\\') ? word.split('\\').join('/') : word;
  if (w.toLowerCase().startsWith('file://')) w = w.slice('file://'.length);
  if (w.includes('/') || w.includes('%') || w.includes('$')) {
    for (let guard = 0; guard < 4; guard++) {
      const m = HOME.first(w);
      if (!m) break;
      const lead = m.groups[0] ?? '';
      const tail = m.groups[1] ?? '';
      w = `${w.slice(0, m.index)}${lead}~${tail}${w.slice(m.end)}`;
    }
  }
  return resolveSegments(w);
}

/** Whether a string argument looks like a file path (not prose, not a URL). */
export function looksLikePath(text: string): boolean {
  if (text.length === 0 || text.length > MAX_WORD || text.includes('\n')) return false;
  const c = text.charAt(0);
  if (c === '/' || c === '~' || c === '$' || c === '%') return true;
  if (text.startsWith('./') || text.startsWith('../') || text.startsWith('.\\') || text.toLowerCase().startsWith('file://')) return true;
  if (text.length > 2 && text.charAt(1) === ':' && (text.charAt(2) === '\\' || text.charAt(2) === '/')) return true;
  // A bare dot-file or relative path without spaces: `.env`, `config/.npmrc`.
  return !text.includes(' ') && !text.includes('://') && (text.startsWith('.') || text.includes('/'));
}
