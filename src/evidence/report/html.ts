/**
 * The report as one self-contained HTML page: inline CSS, no script, no external asset, no link.
 * Every value from the receipts file goes through esc(); a Content-Security-Policy that allows
 * nothing but inline style backs that up.
 */
import type { CountRow, ReportData } from './summarize.ts';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML-escapes text for element content and quoted attributes; control characters become spaces. */
export function esc(value: unknown): string {
  let out = '';
  for (const ch of String(value)) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x20 && c !== 0x0a && c !== 0x09) out += ' ';
    else if ((c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) out += ' ';
    else out += ESCAPES[ch] ?? ch;
  }
  return out;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2329}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d8dee4;padding-bottom:.25rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.muted{color:#57606a}.status{display:inline-block;padding:.15rem .6rem;border-radius:1rem;font-weight:600}
.ok{background:#dafbe1;color:#116329}.incomplete{background:#fff8c5;color:#7d4e00}.broken{background:#ffebe9;color:#a40e26}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
`;

function table(headers: readonly string[], body: readonly (readonly string[])[], numeric: ReadonlySet<number> = new Set()): string {
  if (body.length === 0) return '<p class="muted">None.</p>';
  const head = `<tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const rows = body.map((r) => `<tr>${r.map((cell, i) => `<td${numeric.has(i) ? ' class="n"' : ''}>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n${head}\n${rows}\n</table>`;
}

const counts = (title: string, rows: readonly CountRow[]): string => `<div><h3>${esc(title)}</h3>${table([title, 'decisions'], rows.map((r) => [esc(r.key), esc(r.count)]), new Set([1]))}</div>`;
const list = (xs: readonly string[]): string => xs.map((x) => `<code>${esc(x)}</code>`).join(', ');
const hash = (h: string | null): string => (h ? `<code title="${esc(h)}">${esc(h.slice(0, 16))}…</code>` : '—');

export function renderHtml(d: ReportData): string {
  const c = d.chain;
  const parts: string[] = [];
  parts.push(`<h1>Tollgate receipts report</h1>`);
  parts.push(
    `<p class="muted">${esc(d.input.name)} · ${esc(d.input.bytes)} bytes · sha256 <code>${esc(d.input.sha256)}</code><br>` +
      `decisions from ${esc(d.period.first ?? '—')} to ${esc(d.period.last ?? '—')} · generated ${esc(d.generatedAt)}</p>`,
  );
  parts.push(`<h2>Chain verification</h2>`);
  parts.push(`<p><span class="status ${esc(c.status)}">${esc(c.status.toUpperCase())}</span> ${esc(c.records)} records verified</p>`);
  parts.push(`<pre>${esc(c.summary.join('\n'))}</pre>`);
  if (c.broken) parts.push(`<p>Only records before seq ${esc(c.broken.seq)} are counted below; ${esc(c.linesExcluded)} lines from there on are not.</p>`);
  if (d.totals.gapsRecorded > 0) parts.push(`<p>${esc(d.totals.gapsRecorded)} gap records: at least ${esc(d.totals.eventsLost)} decisions were not recorded.</p>`);

  parts.push(`<h2>Totals</h2><p>${esc(d.totals.decisions)} decisions.</p><div class="grid">`);
  parts.push(counts('action', d.totals.byAction), counts('category', d.totals.byCategory), counts('transport', d.totals.byTransport));
  if (d.totals.auditWouldHave.length) parts.push(counts('audit mode: enforce would have', d.totals.auditWouldHave));
  parts.push(`</div>`);

  parts.push(`<h2>OWASP mapping</h2>`);
  parts.push(
    table(
      ['framework', 'id', 'risk', 'decisions', 'rules'],
      d.frameworks.map((f) => [esc(f.framework), `<code>${esc(f.id)}</code>`, esc(f.name), esc(f.decisions), list(f.rules)]),
      new Set([3]),
    ),
  );
  parts.push(`<h2>MITRE ATT&amp;CK</h2>`);
  parts.push(table(['technique', 'name', 'decisions', 'rules'], d.mitre.map((m) => [`<code>${esc(m.id)}</code>`, esc(m.name), esc(m.decisions), list(m.rules)]), new Set([2])));

  parts.push(`<h2>Top rules</h2>`);
  parts.push(
    table(
      ['rule', 'decisions', 'stopped', 'categories', 'ATT&CK'],
      d.topRules.map((r) => [`<code>${esc(r.rule)}</code>`, esc(r.count), esc(r.blocked), esc(r.categories.join(', ')), list(r.mitre)]),
      new Set([1, 2]),
    ),
  );
  parts.push(`<h2>Blocked targets</h2><p class="muted">Targets are recorded only as SHA-256 hashes of the redacted target.</p>`);
  parts.push(
    table(
      ['target hash', 'times', 'rules', 'first', 'last'],
      d.blockedTargets.map((t) => [hash(t.targetHash), esc(t.count), list(t.rules), esc(t.first), esc(t.last)]),
      new Set([1]),
    ),
  );
  parts.push(`<h2>Sessions</h2>`);
  parts.push(
    table(
      ['session', 'agents', 'decisions', 'stopped', 'first', 'last'],
      d.sessions.map((s) => [`<code>${esc(s.session)}</code>`, esc(s.agents.join(', ')), esc(s.decisions), esc(s.blocked), esc(s.first), esc(s.last)]),
      new Set([2, 3]),
    ),
  );
  parts.push(`<h2>Latest stopped decisions</h2>`);
  parts.push(
    table(
      ['seq', 'time', 'transport', 'session', 'action', 'rules', 'reason', 'target'],
      d.recentBlocks.map((b) => [esc(b.seq), esc(b.time), esc(b.transport), esc(b.session ?? '—'), esc(b.action), list(b.rules), esc(b.reason), hash(b.targetHash)]),
      new Set([0]),
    ),
  );
  if (d.overflow > 0) parts.push(`<p class="muted">${esc(d.overflow)} further distinct rules, targets or sessions were counted in the totals but not tabulated.</p>`);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tollgate receipts report: ${esc(d.input.name)}</title>
<style>${STYLE}</style>
</head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}
