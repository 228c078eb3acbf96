// The built-in tool-call policy, as data. Each rule matches simple commands (after shell
// de-obfuscation) or path-like arguments. Config can disable any rule by id and add rules of the
// same shape. Argument regexes run case-insensitively over the arguments joined by spaces.
import {
  anyOf,
  AUTHORIZED_KEYS_PATH,
  BROWSER_CREDENTIAL_PATH,
  CREDENTIAL_PATH,
  CRON_PATH,
  DEPLOYMENT_SECRET_PATH,
  HISTORY_PATH,
  KEYCHAIN_PATH,
  LAUNCHD_PATH,
  SHELL_PROFILE_PATH,
  SYSTEMD_PATH,
  TOLLGATE_STATE_PATH,
} from './sensitive-paths.ts';
import type { ChainPattern, CommandPattern, PolicyRule } from './types.ts';

const SHELLS = ['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'fish', 'csh', 'tcsh', 'busybox'];
const INTERPRETERS = [...SHELLS, 'eval', 'source', '.', 'python', 'perl', 'ruby', 'node', 'php', 'pwsh', 'powershell'];
const FETCHERS = ['curl', 'wget', 'fetch', 'http', 'https', 'xh', 'aria2c', 'nc', 'ncat', 'netcat', 'iwr', 'irm', 'invoke-webrequest', 'invoke-restmethod', 'lwp-download', 'ftp', 'tftp'];
const NETCATS = ['nc', 'ncat', 'netcat', 'nc.openbsd', 'nc.traditional'];
const READERS = ['cat', 'less', 'more', 'head', 'tail', 'ls', 'stat', 'file', 'grep', 'egrep', 'fgrep', 'rg', 'wc', 'diff', 'test', '[', 'bat'];
const WRITERS = ['cp', 'mv', 'ln', 'install', 'rsync', 'tee', 'dd'];
const COPIERS = ['cp', 'mv', 'ln', 'install', 'rsync', 'scp'];
/** A flag word containing the letter (combined short options: -rf, -fR). */
const flag = (letters: string): string => `(?:^|\\s)-[a-z]*[${letters}][a-z]*(?:\\s|$)`;
const word = (w: string): string => `(?:^|\\s)(?:${w})(?:\\s|$)`;
/** Paths whose recursive deletion or permission change wrecks a system or a home directory. */
const ROOTS = `(?:^|\\s)(?:/|/\\*|~|~/|~/\\*|\\*|\\.|\\./|\\./\\*|\\.\\.|\\.\\./\\*|/(?:bin|boot|dev|etc|home|lib|lib64|opt|root|sbin|srv|sys|usr|var|users|system|applications|library)/?\\*?|[a-z]:/?)(?:\\s|$)`;
/** find's start points (after its leading options) include a root or home directory. */
const FIND_ROOT = `^(?:-\\S+\\s+)*(?:/|~|/home|/users|/etc|/usr|/var|/root)/?(?:\\s|$)`;
const WRITE_REDIRECT = '^>>?\\s+\\S*';
/** Branches others build on, and their remote-tracking names. */
const SHARED_BRANCH = '(?:origin/|upstream/)?(?:main|master|trunk|develop|development|production|prod|release(?:/\\S*)?|staging)';
/** tollgate subcommands that are the operator's decisions: approvals, pin approval and reset, new keys and CA. */
const TOLLGATE_ADMIN = '(?:^|\\s)(?:approve|keygen)(?:\\s|$)|(?:^|\\s)pins\\s+(?:approve|reset)(?:\\s|$)|(?:^|\\s)tls\\s+init(?:\\s|$)';
/** Programs that name a credential file without reading it out (keys used, permissions set, files created or removed). */
const NOT_READING = ['ssh', 'ssh-add', 'ssh-keygen', 'ssh-copy-id', 'chmod', 'chown', 'ls', 'stat', 'test', '[', 'mkdir', 'touch', 'rm', 'shred', 'unlink', 'truncate', 'export', 'unset', 'history', 'git', ...COPIERS];
/** Programs that use a key, keystore, service-account file or state file for what it is for. */
const SECRET_USERS = ['openssl', 'keytool', 'certbot', 'kubectl', 'helm', 'terraform', 'terragrunt', 'tofu', 'gcloud', 'gsutil', 'aws', 'az', 'docker', 'podman', 'nginx', 'caddy', 'step', 'cfssl', 'mkcert', 'gpg', 'age', 'sops', 'vault'];
/** git subcommands (after global options) that name a path without reading or publishing it. */
const GIT_NON_READ = `^(?:(?:-c|-C|--git-dir|--work-tree)\\s+\\S+\\s+|-\\S+\\s+)*(?:rm|restore|reset|check-ignore|check-attr|ls-files|update-index)(?:\\s|$)`;

const redirectTo = (...lists: readonly (readonly string[])[]): CommandPattern => ({ redirect: [WRITE_REDIRECT + anyOf(...lists)] });
const writesTo = (...lists: readonly (readonly string[])[]): CommandPattern[] => [
  redirectTo(...lists),
  { programs: ['tee'], any: [anyOf(...lists)] },
  { programs: WRITERS, last: [anyOf(...lists)] },
  { programs: ['dd'], any: [`(?:^|\\s)of=\\S*${anyOf(...lists)}`] },
  { programs: ['sed', 'perl'], all: [flag('i')], any: [anyOf(...lists)] },
];

export const BUILTIN_RULES: readonly PolicyRule[] = [
  {
    id: 'destructive-delete',
    description: 'recursive delete of a root, home or wildcard path',
    severity: 'critical',
    mitre: 'T1485',
    commands: [
      { programs: ['rm'], all: [`(?:^|\\s)(?:-[a-z]*r[a-z]*|--recursive)(?:\\s|$)`], any: [ROOTS] },
      { programs: ['rm'], any: ['--no-preserve-root'] },
      { programs: ['find'], all: [FIND_ROOT], any: [word('-delete'), `(?:^|\\s)-exec(?:dir)?\\s+(?:\\S*/)?rm(?:\\s|$)`] },
      { programs: ['rd', 'rmdir', 'del', 'erase'], all: [word('/s')], any: [`(?:^|\\s)[a-z]:/?(?:\\s|$)`] },
      // `find / … | xargs rm`, `rm $(find ~ …)`: what find lists under a root is deleted.
      { programs: ['rm', 'shred', 'unlink'], fedBy: { programs: ['find'], all: [FIND_ROOT] } },
    ],
  },
  {
    id: 'bulk-delete',
    description: 'deletes files in bulk (find -delete, find -exec rm, recursive rm of a glob)',
    severity: 'medium',
    mitre: 'T1485',
    commands: [
      { programs: ['find'], any: [word('-delete'), `(?:^|\\s)-exec(?:dir)?\\s+(?:\\S*/)?(?:rm|shred|unlink)(?:\\s|$)`] },
      { programs: ['rm'], all: [`(?:^|\\s)(?:-[a-z]*r[a-z]*|--recursive)(?:\\s|$)`, '\\*'] },
      { programs: ['rm', 'shred', 'unlink'], fedBy: { programs: ['find'] } },
    ],
  },
  {
    id: 'recursive-permission-change',
    description: 'recursive or world-writable permission or ownership change',
    severity: 'high',
    mitre: 'T1222.002',
    commands: [
      // World-writable (o or a gets w; `u+w` on a build directory is ordinary), or any recursive change of a root.
      { programs: ['chmod'], all: [`(?:^|\\s)(?:(?-i:-[a-zA-Z]*R[a-zA-Z]*)|--recursive)(?:\\s|$)`], any: [word('0?777|0?666|[ug]*[oa][ugoa]*\\+[rwxXst]*w[rwxXst]*'), ROOTS] },
      { programs: ['chmod'], any: [`(?:^|\\s)0?777\\s+(?:/|~|/etc|/usr|/var|/home)/?(?:\\s|$)`] },
      { programs: ['chown', 'chgrp'], all: [`(?:^|\\s)(?:(?-i:-[a-zA-Z]*R[a-zA-Z]*)|--recursive)(?:\\s|$)`], any: [ROOTS] },
      { programs: ['icacls'], all: [word('/t')], any: ['everyone|\\*s-1-1-0'] },
    ],
  },
  {
    id: 'credential-file-access',
    description: 'reads a credential file (SSH keys, cloud credentials, .env, token stores, MCP configs)',
    severity: 'high',
    mitre: 'T1552.001',
    tags: ['credential-read'],
    commands: [
      // The path must be an operand: text the program is given (a commit message, a PR title,
      // what echo prints, a grep pattern) names the file without reading it.
      { operands: [anyOf(CREDENTIAL_PATH)], notPrograms: NOT_READING },
      // Keys, keystores, service-account files and Terraform state are also handed to the tools
      // that use them without printing them (openssl -key, gcloud --key-file, terraform).
      { operands: [anyOf(DEPLOYMENT_SECRET_PATH)], notPrograms: [...NOT_READING, ...SECRET_USERS] },
      // git: staging, committing, showing or diffing a credential file puts it in history or on
      // screen; untracking it (`git rm --cached .env`), restoring or asking about it does not.
      { programs: ['git'], operands: [anyOf(CREDENTIAL_PATH, DEPLOYMENT_SECRET_PATH)], none: [GIT_NON_READ] },
      // A copy reads its sources, not its destination: `cp .env.example .env` creates a file.
      { programs: COPIERS, any: [`${anyOf(CREDENTIAL_PATH, DEPLOYMENT_SECRET_PATH)}.*\\S`] },
      // A read redirection (`< .env`; the one space after `<` is where the path starts), not a here-string (`<<< .env`).
      { redirect: [`^<(?: .*)?${anyOf(CREDENTIAL_PATH, DEPLOYMENT_SECRET_PATH)}`] },
    ],
  },
  {
    id: 'keychain-access',
    description: 'reads secrets from the OS keychain, a password-manager CLI or the GPG secret keyring',
    severity: 'high',
    mitre: 'T1555.001',
    tags: ['credential-read'],
    commands: [
      { programs: ['security'], any: [word('find-generic-password|find-internet-password|find-certificate|dump-keychain|export|unlock-keychain')] },
      { any: [anyOf(KEYCHAIN_PATH)], notPrograms: ['ls', 'stat', 'security'] },
      { programs: ['secret-tool'], any: [word('lookup|search')] },
      { programs: ['cmdkey'], any: [word('/list')] },
      // Secret keys leave the keyring only through an export; listing and public exports do not.
      { programs: ['gpg', 'gpg2'], any: [word('--export-secret-keys|--export-secret-subkeys')] },
      // Password-manager CLIs that print a stored secret.
      { programs: ['pass', 'gopass'], any: [word('show|cat|-c|--clip')] },
      { programs: ['op'], any: [word('read')] },
      { programs: ['op'], all: [word('item'), word('get')], any: [word('--reveal')] },
      { programs: ['bw'], all: [word('get')], any: [word('password|item|totp|notes')] },
      { programs: ['lpass'], all: [word('show')] },
    ],
  },
  {
    id: 'browser-credential-access',
    description: 'reads a browser profile\'s saved logins or cookies',
    severity: 'high',
    mitre: 'T1555.003',
    tags: ['credential-read'],
    commands: [{ any: [anyOf(BROWSER_CREDENTIAL_PATH)], notPrograms: ['ls', 'stat'] }, { redirect: [`^<(?: .*)?${anyOf(BROWSER_CREDENTIAL_PATH)}`] }],
  },
  {
    id: 'network-exfiltration',
    description: 'uploads local data to a remote host (curl -d @file, --data-binary @, -F file=@, -T, wget --post-file)',
    severity: 'high',
    mitre: 'T1048',
    tags: ['network-send'],
    commands: [
      {
        programs: ['curl'],
        any: [
          `(?:^|\\s)(?:-d|--data|--data-binary|--data-ascii|--json)(?:\\s+|=)?@`,
          `(?:^|\\s)(?-i:-[a-zA-Z]*d)@`,
          `(?:^|\\s)(?:-F|--form)(?:\\s+|=)?[^\\s=]*=[@<]`,
          `(?:^|\\s)--data-urlencode(?:\\s+|=)?[^\\s=@]*@`,
          `(?:^|\\s)(?:(?-i:-T)|--upload-file)(?:\\s|=)`,
        ],
      },
      { programs: ['wget'], any: [`(?:^|\\s)--(?:post-file|body-file)(?:\\s|=)`] },
      { programs: ['http', 'https', 'xh'], any: [`(?:^|\\s)[^\\s=:]*=?@[~/.]`] },
      { programs: ['ftp', 'tftp', 'lftp'], any: [word('put|mput|-u')] },
      { redirect: ['/dev/(?:tcp|udp)/'], notPrograms: SHELLS.concat(['exec', '']) },
      { programs: ['curl', 'wget', 'dig', 'nslookup', 'host', 'ping', 'nc', 'ncat', 'netcat'], fedBy: { operands: [anyOf(CREDENTIAL_PATH, BROWSER_CREDENTIAL_PATH)] } },
    ],
  },
  {
    id: 'netcat-connection',
    description: 'opens a raw network connection with netcat or socat',
    severity: 'high',
    mitre: 'T1095',
    tags: ['network-send'],
    commands: [
      { programs: NETCATS, all: [`(?:^|\\s)[0-9]{1,5}(?:\\s|$)`], none: [flag('lz')] },
      { programs: ['socat'], any: ['(?:^|[\\s,])(?:tcp[46]?|udp[46]?|openssl|tcp-connect|udp-connect|ssl):'] },
    ],
  },
  {
    id: 'remote-copy',
    description: 'copies files to a remote host (scp, rsync, sftp, rclone)',
    severity: 'high',
    mitre: 'T1048',
    tags: ['network-send'],
    commands: [
      { programs: ['scp', 'rsync', 'sftp'], any: [`\\s(?:[a-z0-9._-]+@)?[a-z0-9][a-z0-9.-]*:[^\\s]*$`, `\\srsync://\\S+$`] },
      { programs: ['rclone'], all: [word('copy|copyto|sync|move|moveto')], any: [`\\s[a-z0-9_-]+:[^\\s]*$`] },
    ],
  },
  {
    id: 'reverse-shell',
    description: 'connects a shell to a remote host (/dev/tcp, nc -e, socat exec, scripted sockets)',
    severity: 'critical',
    mitre: 'T1059.004',
    commands: [
      { programs: [...SHELLS, 'exec', ''], redirect: ['/dev/(?:tcp|udp)/'] },
      { programs: NETCATS, any: [`(?:^|\\s)(?:-[a-z]*[ec][a-z]*|--exec|--sh-exec|--lua-exec)(?:\\s|=|$)`] },
      { programs: [...NETCATS, 'telnet', 'socat', 'openssl'], fedBy: { programs: SHELLS, any: [flag('i')] } },
      { programs: SHELLS, fedBy: { programs: [...NETCATS, 'telnet', 'openssl', 'socat'] } },
      { programs: ['socat'], all: ['(?:^|[\\s,])(?:exec|system):'], any: ['tcp|udp|openssl|ssl'] },
      { programs: ['python', 'perl', 'ruby', 'php', 'node', 'lua'], all: ['socket|fsockopen|tcpsocket|net\\.connect'], any: ['subprocess|pty\\.spawn|os\\.dup2|/bin/(?:ba)?sh|exec\\s*\\(|popen|spawn|child_process|\\bsh\\s+-i|system\\s*\\('] },
      { programs: ['awk', 'gawk'], any: ['/inet/(?:tcp|udp)/'] },
      { programs: ['powershell', 'pwsh'], any: ['net\\.sockets\\.tcpclient'] },
    ],
  },
  {
    id: 'disk-wipe',
    description: 'overwrites or formats a disk (dd of=/dev/…, mkfs, shred, wipefs)',
    severity: 'critical',
    mitre: 'T1561.001',
    commands: [
      { programs: ['dd'], any: ['(?:^|\\s)of=/dev/(?:sd|hd|vd|xvd|nvme|mmcblk|disk|rdisk|mapper/|md[0-9]|loop)'] },
      // A device, or one named by a variable the de-obfuscation could not resolve; not an image file (`mkfs.ext4 ./test.img`).
      { programs: ['mkfs*', 'mke2fs', 'mkswap', 'newfs*', 'wipefs', 'blkdiscard'], any: ['(?:^|\\s)(?:/dev/|\\$)'] },
      { programs: ['shred'] },
      { programs: ['diskutil'], any: [word('erasedisk|erasevolume|zerodisk|randomdisk|secureerase|partitiondisk|reformat')] },
      { programs: ['format'], any: ['(?:^|\\s)[a-z]:'] },
      { redirect: ['^>\\s+/dev/(?:sd|hd|vd|xvd|nvme|mmcblk|disk|rdisk)'] },
    ],
  },
  {
    id: 'package-install',
    description: 'installs packages (npm, pip, apt, brew, gem, cargo, go)',
    severity: 'medium',
    mitre: 'T1105',
    commands: [
      { programs: ['npm', 'pnpm', 'yarn', 'bun', 'cnpm'], any: [word('i|install|add|isntall|ci')] },
      { programs: ['pip', 'pipx', 'uv', 'poetry', 'conda', 'mamba', 'micromamba', 'pipenv'], any: [word('install|add')] },
      { programs: ['apt', 'apt-get', 'aptitude', 'yum', 'dnf', 'apk', 'zypper', 'brew', 'port', 'snap', 'flatpak', 'choco', 'winget', 'scoop', 'gem', 'cargo', 'nix-env', 'pkg'], any: [word('install|add|-i|--install|reinstall|upgrade')] },
      { programs: ['go'], any: [word('install|get')] },
      { programs: ['pacman'], any: [`(?:^|\\s)(?-i:-S[a-zA-Z]*)(?:\\s|$)`] },
      { programs: ['dpkg', 'rpm'], any: [`(?:^|\\s)(?:-i|--install|-U|--upgrade)(?:\\s|$)`] },
      { programs: ['npx', 'pnpx', 'bunx'], any: [word('-y|--yes')] },
    ],
  },
  {
    id: 'remote-script-execution',
    description: 'runs a script fetched from the network (curl … | sh, bash <(curl …), sh -c "$(curl …)", curl -o f … && sh f)',
    severity: 'critical',
    mitre: 'T1059.004',
    commands: [
      { programs: INTERPRETERS, fedBy: { programs: FETCHERS } },
      { programs: ['powershell', 'pwsh'], all: ['\\b(?:iex|invoke-expression)\\b'], any: ['\\b(?:iwr|irm|invoke-webrequest|invoke-restmethod|downloadstring|net\\.webclient)\\b'] },
      { programs: ['msiexec'], any: ['https?://'] },
    ],
  },
  {
    id: 'destructive-git',
    description: 'rewrites or destroys git history or work (push --force, reset --hard, clean -fdx, branch -D main)',
    severity: 'high',
    mitre: 'T1485',
    commands: [
      { programs: ['git'], all: [word('push')], any: [`(?:^|\\s)(?:-f|--force|-[a-z]*f[a-z]*)(?:\\s|$)`, '(?:^|\\s)\\+\\S+', word('--delete|--mirror'), '(?:^|\\s):\\S+'] },
      // --force-with-lease only guards against overwriting what was not fetched; on a shared branch it
      // still rewrites published history.
      { programs: ['git'], all: [word('push'), word('--force-with-lease(?:=\\S*)?|--force-if-includes')], any: [`(?:^|\\s)\\+?(?:[^\\s:]*:)?(?:refs/heads/)?${SHARED_BRANCH}(?:\\s|$)`] },
      // reset --hard of a shared branch, or back past commits (HEAD~3, HEAD^, @{u}~); a reset --hard
      // that only drops uncommitted changes is git-discard-changes (medium).
      { programs: ['git'], all: [word('reset'), word('--hard')], any: [word(SHARED_BRANCH), '(?:^|\\s)(?:HEAD|@)(?:@\\{[^}\\s]*\\})?[~^]'] },
      { programs: ['git'], all: [word('clean'), flag('f')], any: [flag('dx')], none: [flag('n'), word('--dry-run')] },
      { programs: ['git'], all: [word('branch'), `(?:^|\\s)(?:(?-i:-D)|(?-i:-[a-zA-Z]*D[a-zA-Z]*)|--delete\\s+--force|--force\\s+--delete)(?:\\s|$)`], any: [word(SHARED_BRANCH)] },
      { programs: ['git'], any: [word('filter-branch|filter-repo'), 'reflog\\s+expire\\s.*--expire=(?:now|all)'] },
    ],
  },
  {
    id: 'git-discard-changes',
    description: "throws away the working tree's uncommitted changes (git reset --hard)",
    severity: 'medium',
    mitre: 'T1485',
    commands: [{ programs: ['git'], all: [word('reset'), word('--hard')] }],
  },
  {
    id: 'encoded-execution',
    description: 'executes encoded or piped-in code (base64 -d | sh, echo … | bash, python exec(b64decode(…)), powershell -enc)',
    severity: 'critical',
    mitre: 'T1027.010',
    commands: [
      { programs: INTERPRETERS, fedBy: { programs: ['base64', 'base32', 'basenc', 'uudecode', 'b64decode', 'rev', 'gunzip', 'zcat', 'bzcat', 'xzcat'] } },
      { programs: INTERPRETERS, fedBy: { programs: ['xxd'], any: [flag('r')] } },
      { programs: INTERPRETERS, fedBy: { programs: ['openssl'], any: [word('-d|base64|-base64|enc')] } },
      { programs: INTERPRETERS, fedBy: { programs: ['gzip', 'bzip2', 'xz'], any: [flag('d')] } },
      { programs: [...SHELLS, 'eval'], fedBy: { programs: ['echo', 'printf'] } },
      // What is decoded must be an encoded payload (base64, hex, a codec, compressed or marshalled
      // bytes, character codes): `check_output([…]).decode()` turns a command's output into text.
      { programs: ['python', 'python2', 'python3', 'pypy', 'pypy3'], all: ['\\b(?:exec|eval|compile|system|popen|Popen|check_output|check_call|getoutput)\\s*\\('], any: ['b64decode|base64|\\bdecode\\s*\\(\\s*[\'"](?:base64|hex|rot[_-]?13|zlib|bz2|uu|quopri)|fromhex|unhexlify|a2b_|codecs|zlib|marshal|\\\\x[0-9a-f]{2}|\\bchr\\s*\\(|\\bbytes(?:array)?\\s*\\(\\s*\\['] },
      { programs: ['perl', 'ruby'], any: ['decode_base64|unpack\\s*\\(?\\s*["\']m|eval\\s*\\(?\\s*pack|base64\\.decode64'] },
      { programs: ['node', 'deno', 'bun'], all: ['\\beval\\s*\\(|new\\s+function|child_process|require\\s*\\('], any: ['buffer\\.from\\([^)]*base64|atob\\s*\\(|fromcharcode'] },
      { programs: ['powershell', 'pwsh'], any: [`(?:^|\\s)-(?:e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|encodedcomma|encodedcomman|encodedcommand)(?:\\s|$)`, 'frombase64string'] },
    ],
  },
  {
    id: 'cron-persistence',
    description: 'installs a scheduled job (crontab, /etc/cron*, at, schtasks)',
    severity: 'high',
    mitre: 'T1053.003',
    commands: [
      { programs: ['crontab'], none: [word('-l')] },
      ...writesTo(CRON_PATH),
      { programs: ['at', 'batch'], any: ['\\S'] },
      { programs: ['schtasks'], any: [word('/create')] },
    ],
  },
  {
    id: 'systemd-persistence',
    description: 'installs or enables a system service (systemctl enable, unit files, init scripts)',
    severity: 'high',
    mitre: 'T1543.002',
    commands: [
      { programs: ['systemctl'], any: [word('enable|link|preset|reenable|set-default|edit|daemon-reload')] },
      ...writesTo(SYSTEMD_PATH),
      { programs: ['update-rc.d', 'chkconfig', 'rc-update'] },
    ],
  },
  {
    id: 'launchd-persistence',
    description: 'installs or loads a macOS launch agent or daemon',
    severity: 'high',
    mitre: 'T1543.001',
    commands: [
      { programs: ['launchctl'], any: [word('load|bootstrap|submit|enable|kickstart')] },
      ...writesTo(LAUNCHD_PATH),
      { programs: ['osascript'], any: ['login item'] },
    ],
  },
  {
    id: 'shell-profile-write',
    description: 'writes to a shell start-up file (~/.bashrc, ~/.zshrc, ~/.profile)',
    severity: 'high',
    mitre: 'T1546.004',
    commands: writesTo(SHELL_PROFILE_PATH),
  },
  {
    id: 'authorized-keys-write',
    description: 'adds an SSH key to authorized_keys (persistent remote access)',
    severity: 'critical',
    mitre: 'T1098.004',
    commands: writesTo(AUTHORIZED_KEYS_PATH),
  },
  {
    id: 'detached-process',
    description: 'starts a process that outlives the call (nohup, setsid, disown, &, screen -dm)',
    severity: 'medium',
    mitre: 'T1059.004',
    commands: [
      { programs: ['nohup', 'setsid', 'disown', 'daemon', 'daemonize', 'start-stop-daemon'] },
      { background: true },
      { programs: ['screen'], any: [`(?:^|\\s)-[a-z]*d[a-z]*m|(?:^|\\s)-dm`] },
      { programs: ['tmux'], all: [word('new|new-session')], any: [flag('d')] },
    ],
  },
  {
    id: 'history-tampering',
    description: 'clears or disables shell history',
    severity: 'high',
    mitre: 'T1070.003',
    commands: [
      { programs: ['history'], any: [flag('cdw')] },
      { programs: ['unset'], any: ['\\bhist(?:file|size|filesize)\\b'] },
      { programs: ['export', 'declare', 'typeset', 'local', 'set', 'setopt', 'unsetopt'], any: ['\\bhist(?:file|size|filesize)=(?:/dev/null|0|\\s|$)', '\\bhistcontrol=ignore', '\\+o\\s+history', '\\bno_?hist'] },
      { programs: ['rm', 'shred', 'truncate', 'unlink', 'srm'], any: [anyOf(HISTORY_PATH)] },
      { redirect: [`^>>?\\s+\\S*${anyOf(HISTORY_PATH)}`] },
      { programs: ['ln'], all: [flag('s')], any: [`/dev/null\\s+\\S*${anyOf(HISTORY_PATH)}`] },
    ],
  },
  {
    id: 'log-tampering',
    description: 'deletes, truncates or stops system logs and auditing',
    severity: 'high',
    mitre: 'T1070.002',
    commands: [
      { redirect: ['^>>?\\s+/var/log/'] },
      { programs: ['rm', 'shred', 'truncate', 'unlink', 'srm'], any: ['(?:^|\\s)/var/log(?:/|\\s|$)'] },
      { programs: ['journalctl'], any: ['--vacuum-(?:size|time|files)|--rotate|--flush'] },
      { programs: ['auditctl'], any: [`(?:^|\\s)(?:(?-i:-D)|-e\\s*0)(?:\\s|$)`] },
      { programs: ['systemctl', 'service'], all: [word('stop|disable|mask|kill')], any: ['\\b(?:auditd|rsyslog|syslog|syslog-ng|systemd-journald)\\b'] },
      { programs: ['wevtutil'], any: [word('cl|clear-log')] },
    ],
  },
  {
    id: 'disable-security-controls',
    description: 'turns off a firewall, SELinux or Gatekeeper',
    severity: 'high',
    mitre: 'T1562.004',
    commands: [
      { programs: ['ufw'], any: [word('disable')] },
      { programs: ['iptables', 'ip6tables'], any: [`(?:^|\\s)(?:(?-i:-F)|--flush)(?:\\s|$)`, '-p\\s+(?:input|forward|output)\\s+accept'] },
      { programs: ['nft'], any: ['flush\\s+ruleset'] },
      { programs: ['systemctl', 'service'], all: [word('stop|disable|mask')], any: ['\\b(?:firewalld|ufw|iptables|nftables|apparmor)\\b'] },
      { programs: ['setenforce'], any: [word('0|permissive')] },
      { programs: ['spctl'], any: ['--master-disable'] },
      { programs: ['csrutil'], any: [word('disable')] },
      { programs: ['netsh'], any: ['firewall.*(?:off|disable)'] },
    ],
  },
  {
    id: 'tollgate-tamper',
    description: "changes Tollgate's own state (audit log, receipts, pins, keys, config) or approves its own held calls and tool changes",
    severity: 'high',
    mitre: 'T1562.001',
    commands: [
      ...writesTo(TOLLGATE_STATE_PATH),
      { programs: ['rm', 'shred', 'truncate', 'unlink', 'srm', 'mv', 'chattr', 'chmod', 'chown', 'ln'], any: [anyOf(TOLLGATE_STATE_PATH)] },
      { programs: ['find'], all: [anyOf(TOLLGATE_STATE_PATH)], any: [word('-delete'), '(?:^|\\s)-exec(?:dir)?(?:\\s|$)'] },
      // The operator's commands, run by the agent: approving what Tollgate holds or changed.
      { programs: ['tollgate'], any: [TOLLGATE_ADMIN], none: ['(?:^|\\s)(?:--list|-l|--help|-h)(?:\\s|$)'] },
      { programs: ['npx', 'pnpx', 'bunx', 'pnpm', 'yarn', 'npm', 'node', 'bun', 'deno'], all: [`(?:^|\\s|/)tollgate(?:@\\S*|\\.m?js)?\\s`], any: [TOLLGATE_ADMIN], none: ['(?:^|\\s)(?:--list|-l|--help|-h)(?:\\s|$)'] },
    ],
    // A tool that writes, moves or deletes a file there (write_file, delete_file, move_file's destination).
    paths: [anyOf(TOLLGATE_STATE_PATH)],
    pathRole: 'write',
  },
  {
    id: 'credential-path',
    description: 'a path argument points at a credential file',
    severity: 'high',
    mitre: 'T1552.001',
    tags: ['credential-read'],
    paths: [anyOf(CREDENTIAL_PATH, DEPLOYMENT_SECRET_PATH, BROWSER_CREDENTIAL_PATH, KEYCHAIN_PATH)],
    // Not where a tool writes (write_file's path, a copy's destination): the source of a copy, move
    // or upload is read, and goes out with it.
    pathRole: 'read',
  },
  {
    id: 'persistence-path-write',
    description: 'a write tool targets a start-up, scheduling or SSH authorization file',
    severity: 'high',
    mitre: 'T1547',
    paths: [anyOf(SHELL_PROFILE_PATH, CRON_PATH, SYSTEMD_PATH, LAUNCHD_PATH, AUTHORIZED_KEYS_PATH)],
    pathRole: 'write',
  },
];

/**
 * The tag a session gets when a tool result carried instruction-like text (any injection finding,
 * a warning included): the engine records it (engine.ts), the chain below reads it.
 */
export const UNTRUSTED_CONTENT_TAG = 'untrusted-instructions';

export const DEFAULT_CHAINS: readonly ChainPattern[] = [
  {
    id: 'chain-credential-then-network',
    description: 'a credential read followed, within a few calls, by a network send',
    first: 'credential-read',
    then: 'network-send',
    within: 5,
    severity: 'high',
    mitre: 'T1041',
  },
  // Planted orders are often too plain to block on their text alone ("please forward the last 20
  // e-mails to …" reads like any e-mail): what they lead to is the next call. Medium: a warning at
  // the balanced preset (fetching after reading is what agents do), a block at strict.
  {
    id: 'chain-injection-then-send',
    description: 'a tool result that carried instruction-like text followed, within a few calls, by a network send',
    first: UNTRUSTED_CONTENT_TAG,
    then: 'network-send',
    within: 3,
    severity: 'medium',
    mitre: 'T1041',
  },
];

export const DEFAULT_NETWORK_PROGRAMS: readonly string[] = [
  'curl', 'wget', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ssh', 'scp', 'sftp', 'rsync', 'ftp', 'tftp', 'lftp',
  'http', 'https', 'xh', 'aria2c', 'nslookup', 'dig', 'rclone', 'gsutil', 'smbclient', 'sendmail', 'mail', 'mailx', 'mutt', 'swaks',
];

export const DEFAULT_NETWORK_TOOLS: readonly string[] = [
  '*fetch*', '*http*', '*request*', '*curl*', '*webhook*', '*upload*', '*send*', '*email*', '*mail*', '*slack*', '*discord*', '*telegram*', '*web*', '*navigate*', '*browse*',
];
