// Files a command line writes and then runs: the paths a download (curl -o, wget -O or its
// default name) writes, the file an interpreter or `source` runs, and a key that makes `./x`,
// `x` and `.//x` the same file. Pure string work over the words of one command.
import { programName, unversioned } from './programs.ts';

/** One spelling per file within a command line: `./x`, `x` and `.//x` are the same file. */
export function fileKey(path: string): string {
  let p = path;
  while (p.includes('//')) p = p.split('//').join('/');
  while (p.startsWith('./') && p.length > 2) p = p.slice(2);
  return p;
}

const isUrl = (w: string): boolean => {
  const l = w.slice(0, 8).toLowerCase();
  return l.startsWith('http://') || l.startsWith('https://') || l.startsWith('ftp://');
};

/** The file name a URL is saved under by default (`https://h/a/x.sh?y` → `x.sh`; none → `index.html`). */
function remoteName(url: string): string {
  let rest = url.slice(url.indexOf('://') + 3);
  for (let i = 0; i < rest.length; i++) {
    if (rest.charAt(i) === '?' || rest.charAt(i) === '#') {
      rest = rest.slice(0, i);
      break;
    }
  }
  const slash = rest.indexOf('/');
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base || 'index.html';
}

/** curl options that take a value (so the value is not read as a URL or file). */
const CURL_VALUE = new Set(['-d', '-H', '-X', '-u', '-A', '-e', '-b', '-c', '-T', '-w', '-x', '-m', '-r', '-F', '-K', '-E', '-C', '-U', '-Y', '-y', '-z', '-Q', '--data', '--header', '--request', '--user', '--user-agent', '--referer', '--cookie', '--cookie-jar', '--upload-file', '--write-out', '--proxy', '--max-time', '--form', '--config', '--cert', '--data-raw', '--data-binary', '--data-urlencode', '--connect-timeout', '--retry', '--resolve', '--cacert', '--key']);

/**
 * The files a download command writes: `curl -o F`/`--output F`/`-sSLo F`/`-O` (the URL's
 * base name), `wget -O F`/`-qO F`/`--output-document=F` or, without -O, each URL's base name
 * (under `-P DIR`). `-` (standard output) is no file.
 */
export function downloadTargets(program: string, args: readonly string[]): string[] {
  const out: string[] = [];
  const urls = args.filter(isUrl);
  if (program === 'curl') {
    let remote = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === '-o' || a === '--output') out.push(args[++i] ?? '');
      else if (a.startsWith('--output=')) out.push(a.slice('--output='.length));
      else if (a === '-O' || a === '--remote-name' || a === '--remote-name-all') remote = true;
      else if (CURL_VALUE.has(a)) i++;
      else if (a.length > 1 && a.startsWith('-') && !a.startsWith('--')) {
        const letters = a.slice(1);
        if (letters.charAt(0) === 'o') out.push(letters.slice(1));
        else if (letters.endsWith('o')) out.push(args[++i] ?? '');
        else if (letters.includes('O')) remote = true;
      }
    }
    if (remote) for (const u of urls) out.push(remoteName(u));
  } else if (program === 'wget') {
    let dir = '';
    let named = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === '-O' || a === '--output-document') {
        named = true;
        out.push(args[++i] ?? '');
      } else if (a.startsWith('--output-document=')) {
        named = true;
        out.push(a.slice('--output-document='.length));
      } else if (a === '-P' || a === '--directory-prefix') dir = args[++i] ?? '';
      else if (a.startsWith('--directory-prefix=')) dir = a.slice('--directory-prefix='.length);
      else if (a.length > 1 && a.startsWith('-') && !a.startsWith('--')) {
        const letters = a.slice(1);
        const at = letters.indexOf('O');
        if (at < 0) continue;
        named = true;
        out.push(at === letters.length - 1 ? (args[++i] ?? '') : letters.slice(at + 1));
      }
    }
    if (!named) for (const u of urls) out.push(dir ? `${dir}/${remoteName(u)}` : remoteName(u));
  }
  return out.filter((f) => f.length > 0 && f !== '-' && !f.startsWith('/dev/'));
}

/** Interpreters that run a script file named as their first operand. */
const SCRIPT_RUNNERS = new Set(['python', 'perl', 'ruby', 'node', 'php', 'deno', 'bun', 'lua', 'tclsh', 'pwsh', 'powershell', 'osascript']);
/** Options after which no script file follows (the code or module is given instead). */
const NO_FILE = new Set(['-c', '-m', '-e', '-E', '-r', '--eval', '-p', '--print', '-command', '-c:']);

/** The script file an interpreter runs (`python3 x.py`, `node ./x.js`), or null. Shells are read elsewhere. */
export function scriptOperand(argv: readonly string[]): string | null {
  const program = unversioned(programName(argv[0] ?? ''));
  if (!SCRIPT_RUNNERS.has(program)) return null;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (NO_FILE.has(a.toLowerCase())) return null;
    if (a === '-W' || a === '-X' || a === '-I' || a === '--require') {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    if (program === 'deno' || program === 'bun') {
      if (a === 'run') continue;
    }
    return a;
  }
  return null;
}
