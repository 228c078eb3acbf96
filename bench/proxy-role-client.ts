// Starting a bench role (bench/proxy-roles.ts) as its own process and talking to it over IPC:
// shared by the proxy bench and the per-request CPU measure (proxy-cpu.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { RoleMessage } from './proxy-roles.ts';

const ROOT = new URL('..', import.meta.url).pathname;
/** Diagnostics (proxy-cpu.ts): another checkout whose bench/proxy-roles.ts a role runs from, to compare two trees. */
export const BASE_ROOT = process.env.PROXY_BENCH_BASE;

export interface Role {
  readonly child: ChildProcess;
  readonly ports: Record<string, number>;
  stats<T>(): Promise<T>;
  /** The role process's CPU time so far, user + system, in µs. */
  cpuMicros(): Promise<number>;
  stop(): Promise<void>;
}

/** Spawns `proxy-roles.ts ROLE JSON`; `nodeArgs` are node options after tsx's (e.g. --cpu-prof, or a loader of one's own that runs first). */
export function startRole(role: string, opts: object, nodeArgs: readonly string[] = [], root = ROOT): Promise<Role> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, join(root, 'bench/proxy-roles.ts'), role, JSON.stringify(opts)], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${role} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code} while starting`)));
    child.once('message', (m: RoleMessage) => {
      clearTimeout(timer);
      if (m.type !== 'ready') return reject(new Error(`${role}: unexpected first message`));
      resolve({
        child,
        ports: m.ports,
        stats: <T>() =>
          new Promise<T>((res) => {
            child.once('message', (s: RoleMessage) => res((s as { stats: T }).stats));
            child.send({ type: 'stats' });
          }),
        cpuMicros: () =>
          new Promise<number>((res) => {
            child.once('message', (s: RoleMessage) => {
              const c = (s as { cpu: NodeJS.CpuUsage }).cpu;
              res(c.user + c.system);
            });
            child.send({ type: 'cpu' });
          }),
        stop: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            child.send({ type: 'stop' });
          }),
      });
    });
  });
}
