/**
 * One writer per receipts file: `FILE.lock` holds the writer's pid, created with O_EXCL.
 * A lock whose process no longer exists (a crash, kill -9) is taken over and reported.
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { ReceiptsError } from './errors.ts';

export interface FileLock {
  readonly file: string;
  /** Pid of a dead writer whose lock was taken over, or null. */
  readonly stalePid: number | null;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function create(file: string): Promise<boolean> {
  try {
    const fh = await open(file, 'wx', 0o600);
    try {
      await fh.writeFile(`${process.pid}\n`);
    } finally {
      await fh.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

export async function acquireLock(target: string): Promise<FileLock> {
  const file = `${target}.lock`;
  let stalePid: number | null = null;
  if (!(await create(file))) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const pid = Number.parseInt(text.trim(), 10);
    if (Number.isSafeInteger(pid) && pid > 0 && alive(pid)) {
      throw new ReceiptsError('RECEIPTS_LOCKED', `${target} is being written by process ${pid}${pid === process.pid ? ' (this process)' : ''}; one writer per receipts file`);
    }
    stalePid = Number.isSafeInteger(pid) && pid > 0 ? pid : 0;
    await unlink(file).catch(() => undefined);
    if (!(await create(file))) throw new ReceiptsError('RECEIPTS_LOCKED', `${target}: another process took the lock at the same time`);
  }
  let released = false;
  return {
    file,
    stalePid,
    async release() {
      if (released) return;
      released = true;
      await unlink(file).catch(() => undefined);
    },
  };
}
