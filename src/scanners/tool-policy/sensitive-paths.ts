// Regex sources (RE2 syntax, matched case-insensitively) for files an agent has no business
// reading or writing, over paths normalised by normalisePath (home directories written as `~`,
// forward slashes). Shared by the tool-call policy rules and the tool-poisoning scanner.

/** Start of a path token: line start, blank, quote, or the `=`/`@`/`:` that glue a path to an option. */
const START = `(?:^|[\\s=@:'"\`(<>])`;
/** End of a path token. */
const END = `(?:$|[\\s'"\`;|&)>,])`;

/** Credential and secret-bearing files: SSH keys, cloud credentials, .env, token stores, MCP client configs, wallets. */
export const CREDENTIAL_PATH = [
  `~/\\.ssh/?${END}`,
  `\\.ssh/(?:\\*|id_[a-z0-9_]+|identity|[^\\s/'"]*(?:_rsa|_dsa|_ecdsa|_ed25519|\\.pem|\\.key|\\.ppk))${END}`,
  `${START}id_(?:rsa|dsa|ecdsa|ed25519)${END}`,
  `\\.aws/(?:credentials|config|sso/cache)`,
  `~/\\.aws/?${END}`,
  `\\.config/gcloud(?:/|${END})`,
  `application_default_credentials\\.json`,
  `\\.azure/(?:accesstokens\\.json|msal_token_cache|azureprofile\\.json)`,
  `\\.kube/config`,
  `\\.docker/config\\.json`,
  // .env and its variants (.env.production, .env.backup, .env.development.local), not the
  // committed templates (.env.example, .env.sample, .env.template, .env.dist, .env.defaults).
  `${START}(?:[^\\s'"]*/)?\\.env(?:\\.(?:local|prod|production|dev|development|staging|stage|test|testing|qa|uat|ci|live|preview|backup|bak|old|orig|save|saved|copy|secret|secrets|private))*${END}`,
  `\\.netrc${END}`,
  `\\.git-credentials`,
  `\\.npmrc${END}`,
  `\\.pypirc${END}`,
  `\\.pgpass${END}`,
  `\\.vault-token`,
  `\\.terraform\\.d/credentials`,
  `\\.config/gh/hosts\\.yml`,
  `\\.gnupg(?:/|${END})`,
  `\\.password-store`,
  `/etc/(?:shadow|gshadow|master\\.passwd)${END}`,
  `\\.cursor/mcp\\.json`,
  `claude_desktop_config\\.json`,
  `\\.claude\\.json`,
  `\\.claude/\\.credentials\\.json`,
  `\\.codex/auth\\.json`,
  `\\.continue/config\\.json`,
  `wallet\\.dat${END}`,
  `\\.ethereum/keystore`,
  `\\.solana/id\\.json`,
  `/proc/(?:self|[0-9]+)/environ`,
  `\\.(?:bash|zsh|psql|mysql|rediscli|sqlite|mongo|dbshell)_history${END}`,
  // Kubernetes service-account tokens and Docker/Compose secrets mounted into a container.
  `/(?:var/)?run/secrets(?:/|${END})`,
  `/etc/(?:ssl|pki/tls)/private(?:/|${END})`,
  `rclone/rclone\\.conf${END}`,
  `\\.s3cfg${END}`,
  `\\.boto${END}`,
  `\\.local/share/keyrings(?:/|${END})`,
  `[^\\s/'"]+\\.keyring${END}`,
  `\\.config/(?:hub|doctl/config\\.yaml|heroku|op/config|netlify/config\\.json)${END}`,
  // Tollgate's own signing keys and interception CA key.
  `\\.tollgate/(?:keys|tls)(?:/|${END})`,
] as const;

/**
 * Files that hold a deployment's secrets by their usual names: private keys and keystores, cloud
 * service-account and client-secret files, Terraform state, Rails secrets. For the tool-call
 * policy only (an agent opening one): tool descriptions name them as ordinary configuration
 * ("the path to your service-account.json"), so tool-poisoning keeps to CREDENTIAL_PATH.
 */
export const DEPLOYMENT_SECRET_PATH = [
  `${START}(?:[^\\s'"]*/)?[^\\s/'"]*(?:private|priv|server|client|tls|ssl|signing|master|secret)[^\\s/'"]*\\.key${END}`,
  `${START}(?:[^\\s'"]*/)?[^\\s/'"]*(?:privkey|private[_-]?key|[_.-]key)\\.pem${END}`,
  `\\.(?:p12|pfx|jks|keystore)${END}`,
  `service[_-]?account[^\\s/'"]*\\.json${END}`,
  `${START}(?:[^\\s'"]*/)?(?:[^\\s/'"]*[_-])?(?:credentials|client_secret[^\\s/'"]*)\\.json${END}`,
  `\\.tfstate(?:\\.backup)?${END}`,
  `config/(?:secrets\\.yml|master\\.key|credentials/[^\\s/'"]+\\.key)${END}`,
] as const;

/** Tollgate's own state (audit log, receipts, pins, keys, config): an agent that writes or deletes it blinds the firewall. */
export const TOLLGATE_STATE_PATH = [`(?:^|[\\s=@:'"\`(<>/~])\\.tollgate(?:/|${END})`] as const;

/** Browser credential and cookie stores. */
export const BROWSER_CREDENTIAL_PATH = [
  `(?:google/chrome|chromium|bravesoftware|brave-browser|microsoft/edge|microsoft edge|mozilla/firefox|\\.mozilla/firefox|firefox/profiles|opera software|vivaldi|yandexbrowser)/.*(?:login data|cookies|web data|local state|key[34]\\.db|logins\\.json|cookies\\.sqlite|signons\\.sqlite)`,
  `library/cookies/cookies\\.binarycookies`,
] as const;

/** macOS keychains. */
export const KEYCHAIN_PATH = [`library/keychains(?:/|${END})`, `[^\\s/]+\\.keychain(?:-db)?${END}`] as const;

/** Shell start-up files: code written there runs in every new shell. */
export const SHELL_PROFILE_PATH = [
  `~/\\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zshenv|zprofile|zlogin|zlogout|kshrc|cshrc|tcshrc|mkshrc)${END}`,
  `~/\\.config/fish/(?:config\\.fish${END}|conf\\.d/)`,
  `/etc/(?:profile|bash\\.bashrc|bashrc|zshrc|zshenv|zsh/zshrc|zsh/zshenv|environment)${END}`,
  `/etc/profile\\.d/`,
] as const;

/** Shell and REPL history files. */
export const HISTORY_PATH = [`\\.(?:bash|zsh|sh|ksh|python|node_repl|mysql|psql|sqlite|rediscli)_history${END}`, `\\.zhistory${END}`, `fish_history${END}`] as const;

export const CRON_PATH = [
  `/etc/cron(?:tab|\\.d|\\.daily|\\.hourly|\\.weekly|\\.monthly|\\.allow|\\.deny)?(?:/|${END})`,
  `/var/spool/cron`,
  `/etc/anacrontab`,
  `/var/at/tabs`,
  `/usr/lib/cron/tabs`,
] as const;

export const SYSTEMD_PATH = [
  `/etc/systemd/(?:system|user)/`,
  `~/\\.config/systemd/user/`,
  `/(?:usr/)?lib/systemd/(?:system|user)/`,
  `/etc/init\\.d/`,
  `/etc/rc\\.local${END}`,
  `/etc/rc\\.d/`,
  `/etc/xdg/autostart/`,
  `~/\\.config/autostart/`,
] as const;

export const LAUNCHD_PATH = [`library/launch(?:agents|daemons)(?:/|${END})`, `library/startupitems`, `/etc/launchd\\.conf`] as const;

export const AUTHORIZED_KEYS_PATH = [`\\.ssh/authorized_keys2?${END}`] as const;

/** One alternation of several sources. */
export const anyOf = (...lists: readonly (readonly string[])[]): string => `(?:${lists.flat().join('|')})`;

/**
 * Literal spellings of files the CREDENTIAL_PATH patterns cover, for glob-spelled operands
 * (`cat ~/.ss?/id_*`, `cat ~/.aws/cred*`): a glob that could name one of these is read as naming it.
 * Each must match CREDENTIAL_PATH (a test checks).
 */
export const CREDENTIAL_FILES = [
  '~/.ssh/id_rsa',
  '~/.ssh/id_ed25519',
  '~/.ssh/id_ecdsa',
  '~/.ssh/id_dsa',
  '~/.ssh/identity',
  '~/.aws/credentials',
  '~/.aws/config',
  '~/.config/gcloud/application_default_credentials.json',
  '~/.config/gcloud/credentials.db',
  '~/.azure/accessTokens.json',
  '~/.azure/msal_token_cache.json',
  '~/.kube/config',
  '~/.docker/config.json',
  '.env',
  '.env.local',
  '.env.production',
  '~/.netrc',
  '~/.git-credentials',
  '~/.npmrc',
  '~/.pypirc',
  '~/.pgpass',
  '~/.vault-token',
  '~/.config/gh/hosts.yml',
  '~/.password-store',
  '/etc/shadow',
  '/etc/gshadow',
  '~/.cursor/mcp.json',
  '~/.claude.json',
  '~/.claude/.credentials.json',
  '~/.codex/auth.json',
  '~/.solana/id.json',
  '~/.bash_history',
  '~/.zsh_history',
  '/proc/self/environ',
] as const;
