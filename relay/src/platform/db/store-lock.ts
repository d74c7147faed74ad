/**
 * One relay per store file. Two relays on one store would both deliver its outbox and both advance its replay id.
 * The lock is a file beside the store (`<store>.lock`) created exclusively and holding who took it; a lock left by a
 * process that is gone (a crash, a kill -9) on this host is taken over. SQLite's own locks cannot say this: WAL lets
 * any number of connections share the file, which the CLI's commands rely on.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { StoreFileError } from './migrate.js';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

export interface StoreLock {
  release(): void;
}

export function lockStore(storeFile: string, now = new Date()): StoreLock {
  const lockFile = `${path.resolve(storeFile)}.lock`;
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: now.toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, JSON.stringify(holder));
      closeSync(fd);
      return { release: () => rmSync(lockFile, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = readHolder(lockFile);
      if (current && isAlive(current)) {
        throw new StoreFileError(
          'STORE_IN_USE',
          `store ${path.resolve(storeFile)} is in use by the relay with pid ${current.pid} on ${current.host} since ${current.since}: stop it first, or give this relay its own store.path`,
        );
      }
      // The holder is gone: its lock is stale.
      rmSync(lockFile, { force: true });
    }
  }
  throw new StoreFileError(
    'STORE_IN_USE',
    `store ${path.resolve(storeFile)}: its lock file ${lockFile} keeps coming back; another relay is starting`,
  );
}

/** The relay holding the store's lock if it runs and is not this process (a lock left by a crash holds nothing). */
export function otherRelayHolding(storeFile: string): LockHolder | undefined {
  const holder = readHolder(`${path.resolve(storeFile)}.lock`);
  if (!holder || (holder.pid === process.pid && holder.host === hostname())) return undefined;
  return isAlive(holder) ? holder : undefined;
}

function readHolder(lockFile: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** A holder on another host cannot be checked from here: it counts as alive (remove the lock by hand once it is gone). */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
