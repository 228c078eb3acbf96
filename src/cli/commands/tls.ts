import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveDataDir } from '../../evidence/data-dir.ts';
import { caFiles, initCa } from '../../transports/http-proxy/tls/index.ts';
import { loadConfigOrExit } from '../load-config.ts';

function fail(msg: string): void {
  process.stderr.write(`tollgate tls: ${msg}\n`);
  process.exitCode = 1;
}

function filesFor(configFile: string | undefined): { certFile: string; keyFile: string; dataDir: string } {
  const cfg = loadConfigOrExit(configFile).config;
  const dataDir = resolveDataDir(cfg.dataDir);
  return { ...caFiles(dataDir, cfg.proxy.tlsInterception), dataDir };
}

/** Where to install the CA for the clients agents commonly use. */
export function installHints(certFile: string): string {
  return [
    'Trust this CA only where agents send their traffic through this Tollgate:',
    `  Node.js        export NODE_EXTRA_CA_CERTS=${certFile}`,
    `  Python         export REQUESTS_CA_BUNDLE=${certFile}   (requests)`,
    `                 export SSL_CERT_FILE=${certFile}        (ssl, urllib, httpx)`,
    `  curl           curl --cacert ${certFile} ...   or   export CURL_CA_BUNDLE=${certFile}`,
    `  Debian/Ubuntu  sudo cp ${certFile} /usr/local/share/ca-certificates/tollgate-ca.crt && sudo update-ca-certificates`,
    `  macOS          sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${certFile}`,
    'REQUESTS_CA_BUNDLE, SSL_CERT_FILE and CURL_CA_BUNDLE replace the default bundle: for hosts on',
    'proxy.tlsInterception.passthrough, point them at the system bundle with this file appended.',
    'Then set proxy.tlsInterception.enabled: true and HTTPS_PROXY to the proxy address.',
  ].join('\n');
}

/** Printed after `tls init --force` replaced a CA. */
export const REPLACED_NOTE =
  'The CA was replaced. A running `tollgate run` keeps signing with the CA it loaded when it started (a reload does not re-read it): restart it to use the new CA.';

function describe(certPem: string): string {
  const c = new X509Certificate(certPem);
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(c.subject)?.[1] ?? c.subject;
  return `${cn}\nSHA-256 fingerprint ${c.fingerprint256}\nvalid until ${new Date(c.validTo).toISOString()}`;
}

export function registerTls(program: Command): void {
  const tls = program.command('tls').description('the CA Tollgate uses to intercept TLS inside CONNECT tunnels');
  tls
    .command('init')
    .description('create the interception CA (ECDSA P-256, 2 years) in <dataDir>/tls/: ca.pem and ca-key.pem (mode 0600)')
    .option('-c, --config <file>', 'YAML config file (for dataDir and proxy.tlsInterception.caCert/caKey)')
    .option('-f, --force', 'replace an existing CA (clients trusting the old one must be given the new one)')
    .action(async (o: { config?: string; force?: boolean }) => {
      const { certFile, keyFile } = filesFor(o.config);
      try {
        const replaced = existsSync(certFile) || existsSync(keyFile);
        const w = await initCa(certFile, keyFile, { force: o.force === true });
        process.stdout.write(`wrote ${w.certFile} and ${w.keyFile} (private, mode 0600)\n${describe(w.certPem)}\n\n${installHints(w.certFile)}\n`);
        // The proxy reads its CA once, at start; a hot reload (SIGHUP, the config watch) does not.
        if (replaced) process.stdout.write(`\n${REPLACED_NOTE}\n`);
      } catch (err) {
        fail((err as Error).message);
      }
    });
  tls
    .command('show-ca')
    .description('print the interception CA certificate (PEM) and how to install it for Node, Python, curl and the system store')
    .option('-c, --config <file>', 'YAML config file (for dataDir and proxy.tlsInterception.caCert)')
    .option('--pem', 'print only the PEM (for redirecting into a file)')
    .action((o: { config?: string; pem?: boolean }) => {
      const { certFile } = filesFor(o.config);
      if (!existsSync(certFile)) return fail(`no CA at ${certFile}; run \`tollgate tls init\` first`);
      const pem = readFileSync(certFile, 'utf8');
      let about: string;
      try {
        about = describe(pem);
      } catch (err) {
        return fail(`${certFile} is not a PEM certificate (${(err as Error).message.slice(0, 120)})`);
      }
      process.stdout.write(pem.endsWith('\n') ? pem : `${pem}\n`);
      if (!o.pem) process.stdout.write(`\n${about}\nfile ${certFile}\n\n${installHints(certFile)}\n`);
    });
}
