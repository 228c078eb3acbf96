import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import pc from 'picocolors';
import type { Verdict } from '../../core/index.ts';
import { SCAN_KINDS } from '../../core/index.ts';
import { parseScanInput } from '../../engine/index.ts';
import { createRuntime } from '../../main.ts';
import { verdictJson } from '../../transports/scan-api/index.ts';
import { boundedLines } from '../lines.ts';
import { loadConfigOrExit } from '../load-config.ts';

interface ScanOpts {
  config?: string;
  kind?: string;
  batch?: boolean;
  json?: boolean;
  url?: string;
  method?: string;
  header: string[];
  body?: string;
  contentType?: string;
  text?: string;
  name?: string;
  arguments?: string;
  content?: string;
  tools?: string;
  direction?: string;
  data?: string;
  input?: string;
  session?: string;
}

/** `@path` reads a file, `-` reads stdin, `@@text` is the literal `@text`, anything else is the value itself. */
function valueOf(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (v === '-') return readFileSync(0, 'utf8');
  if (v.startsWith('@@')) return v.slice(1);
  if (v.startsWith('@')) return readFileSync(v.slice(1), 'utf8');
  return v;
}

function jsonOf(v: string | undefined, what: string): unknown {
  const text = valueOf(v);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${what} must be JSON`);
  }
}

function headersOf(list: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const h of list) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new Error(`--header must look like "Name: value", got "${h}"`);
    const name = h.slice(0, colon).trim().toLowerCase();
    (out[name] ??= []).push(h.slice(colon + 1).trim());
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The tool list in --tools: a bare array, a tools/list result `{"tools":[…]}`, or the whole
 * JSON-RPC response `{"jsonrpc":"2.0","id":1,"result":{"tools":[…]}}`. Anything else is passed on
 * as it is, for the input parser to refuse.
 */
function toolsOf(value: unknown): unknown {
  if (!isObject(value)) return value;
  if ('tools' in value) return value.tools;
  if (isObject(value.result) && 'tools' in value.result) return value.result.tools;
  if ('error' in value && !('result' in value)) throw new Error('--tools is a JSON-RPC error response, not a tools/list result');
  return value;
}

function wireFromFlags(o: ScanOpts): unknown {
  if (o.input) return inputWithKind(jsonOf(o.input, '--input'), o.kind);
  const kind = o.kind;
  switch (kind) {
    case 'url':
      return { kind, url: o.url };
    case 'request':
      return { kind, method: o.method ?? 'GET', url: o.url, headers: headersOf(o.header), body: valueOf(o.body), contentType: o.contentType };
    case 'response':
      return { kind, url: o.url, headers: headersOf(o.header), body: valueOf(o.body) ?? valueOf(o.text) ?? '', contentType: o.contentType };
    case 'text':
      return { kind, text: valueOf(o.text) ?? valueOf(o.body) ?? '' };
    case 'tool-call':
      return { kind, name: o.name, arguments: jsonOf(o.arguments, '--arguments') ?? {} };
    case 'tool-result':
      return { kind, name: o.name, content: jsonOf(o.content, '--content') ?? valueOf(o.text) };
    case 'tools':
      return { kind, tools: toolsOf(jsonOf(o.tools, '--tools')) };
    case 'websocket':
      return { kind, direction: o.direction ?? 'outbound', url: o.url, data: valueOf(o.data) ?? valueOf(o.text) ?? '' };
    default:
      throw new Error(`--kind must be one of ${SCAN_KINDS.join(', ')} (or use --batch / --input)`);
  }
}

/**
 * --input with --kind: the input names its own kind, and a --kind that says otherwise is an error
 * rather than a flag silently dropped (`--kind text --input '{"kind":"url",…}'` scanned a URL). An
 * input without a kind takes the flag's.
 */
function inputWithKind(input: unknown, kind: string | undefined): unknown {
  if (kind === undefined || !isObject(input)) return input;
  if (!('kind' in input)) return { kind, ...input };
  if (input.kind !== kind) throw new Error(`--kind ${kind} conflicts with the kind of --input (${JSON.stringify(input.kind)}); give one of them`);
  return input;
}

function printHuman(v: Verdict): void {
  const color = v.action === 'allow' ? pc.green : v.action === 'warn' ? pc.yellow : pc.red;
  process.stdout.write(`${color(v.action.toUpperCase())}  ${v.reason}\n`);
  for (const f of v.findings) {
    process.stdout.write(`  ${f.severity.padEnd(8)} ${f.rule}  ${pc.dim(f.location)}  ${f.mitre}\n      ${f.message}${f.evidence ? pc.dim(`  [${f.evidence}]`) : ''}\n`);
  }
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('scan one input given by flags (exit 0 allowed, 2 not allowed, 1 error), or JSON lines on stdin with --batch')
    .option('-c, --config <file>', 'YAML config file (default: embedded balanced preset)')
    .option('-k, --kind <kind>', `input kind: ${SCAN_KINDS.join('|')}`)
    .option(
      '--batch',
      'read JSON lines {"id","kind",...input} from stdin, write one verdict line per input; a line may also carry "session" (split-secret tracking; default: --session) and "agent" (the agent name)',
    )
    .option('--json', 'print the verdict as JSON')
    .option('--input <json>', 'the whole input as JSON (or @file)')
    .option('--url <url>', 'URL (url, request, response, websocket)')
    .option('--method <method>', 'HTTP method (request)', 'GET')
    .option('-H, --header <header>', 'header "Name: value" (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--body <body>', 'body text, @file or - for stdin')
    .option('--content-type <type>', 'body media type')
    .option('--text <text>', 'text, @file or - for stdin')
    .option('--name <tool>', 'tool name (tool-call, tool-result)')
    .option('--arguments <json>', 'tool-call arguments as JSON (or @file)')
    .option('--content <json>', 'tool-result content as JSON (or @file)')
    .option('--tools <json>', 'tool definitions: a JSON array, a tools/list result or its JSON-RPC response (or @file)')
    .option('--direction <dir>', 'websocket direction: outbound|inbound')
    .option('--data <data>', 'websocket message (or @file, -)')
    .option('--session <id>', 'session id for split-secret tracking (with --batch: for lines without a "session" key)')
    .action(async (o: ScanOpts) => {
      const loaded = loadConfigOrExit(o.config);
      const { engine } = createRuntime(loaded);
      if (o.batch) {
        process.exitCode = await runBatch(engine.scan.bind(engine), loaded.config.limits.maxInputBytes, o.session);
        return;
      }
      let wire: unknown;
      try {
        wire = wireFromFlags(o);
      } catch (err) {
        process.stderr.write(`tollgate scan: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      const parsed = parseScanInput(wire);
      if (!parsed.ok) {
        process.stderr.write(`tollgate scan: ${parsed.error}\n`);
        process.exitCode = 1;
        return;
      }
      const verdict = engine.scan(parsed.input, { now: Date.now(), ...(o.session ? { session: o.session } : {}) });
      if (o.json) process.stdout.write(`${JSON.stringify(verdictJson(null, verdict))}\n`);
      else printHuman(verdict);
      process.exitCode = verdict.action === 'allow' || verdict.action === 'warn' ? 0 : 2;
    });
}

type ScanFn = ReturnType<typeof createRuntime>['engine']['scan'];

/**
 * Batch mode: one verdict line per input line, in order; a bad line gets an error line and the batch
 * goes on. A line's `session` key wins over `defaultSession` (the --session flag).
 */
export async function runBatch(scan: ScanFn, maxInputBytes: number, defaultSession?: string): Promise<number> {
  let failed = 0;
  let lineNo = 0;
  const write = (obj: unknown): void => {
    process.stdout.write(`${JSON.stringify(obj)}\n`);
  };
  for await (const item of boundedLines(process.stdin, maxInputBytes * 2 + 65536)) {
    lineNo++;
    if ('oversized' in item) {
      failed++;
      write({ id: null, line: lineNo, error: `line of ${item.oversized} bytes is over the limit`, action: 'block' });
      continue;
    }
    if (item.line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(item.line);
    } catch {
      failed++;
      write({ id: null, line: lineNo, error: 'line is not valid JSON', action: 'block' });
      continue;
    }
    if (!isObject(json)) {
      failed++;
      write({ id: null, line: lineNo, error: 'line must be a JSON object: {"kind":…} with the input\'s fields (and optional "id", "session", "agent")', action: 'block' });
      continue;
    }
    const { id, session, agent, ...rest } = json;
    const parsed = parseScanInput(rest);
    if (!parsed.ok) {
      failed++;
      write({ id: id ?? null, line: lineNo, error: parsed.error, action: 'block' });
      continue;
    }
    const lineSession = typeof session === 'string' ? session : defaultSession;
    const verdict = scan(parsed.input, {
      now: Date.now(),
      ...(lineSession !== undefined ? { session: lineSession } : {}),
      ...(typeof agent === 'string' ? { agent } : {}),
    });
    write(verdictJson(id, verdict));
  }
  return failed > 0 ? 1 : 0;
}
