import { closeSync, fdatasync, fstatSync, fsyncSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";

export interface WalFlusher {
  /** Resolves once every WAL frame written before the call is on disk. */
  flush(): Promise<void>;
  close(): void;
}

/**
 * fdatasync of SQLite's WAL file through a descriptor of our own (a sync applies to the file, whichever
 * descriptor asks), run on libuv's thread pool so the JavaScript thread goes on meanwhile.
 *
 * One sync runs at a time: callers that arrive while one runs share the next, which starts when it ends and
 * covers everything written until then. That keeps at most one thread of the pool on the disk (the pool also
 * hashes passwords) however many batches commit.
 *
 * When the WAL file is new to us (the first flush, or SQLite replaced it), its directory is synced once too,
 * so that the file itself survives a power cut, as SQLite's own first sync of a WAL does. A replaced file's
 * old descriptor is kept open until close: a sync may still be queued on it.
 */
export function createWalFlusher(walPath: string): WalFlusher {
  let fd: number | undefined;
  let inode = -1;
  const retired: number[] = [];
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;

  const descriptor = (): number => {
    const current = statSync(walPath).ino;
    if (fd === undefined || current !== inode) {
      if (fd !== undefined) retired.push(fd);
      // Read-only is enough for a sync (Linux syncs a file through any descriptor), and works on a database file
      // made read-only, where a write through SQLite is refused anyway.
      fd = openSync(walPath, "r");
      inode = fstatSync(fd).ino;
      const dir = openSync(dirname(walPath), "r");
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return fd;
  };

  const syncOnce = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      let target: number;
      try {
        target = descriptor();
      } catch (error) {
        reject(error);
        return;
      }
      fdatasync(target, (error) => (error ? reject(error) : resolve()));
    });

  const flush = (): Promise<void> => {
    if (!running) {
      running = syncOnce().finally(() => {
        running = undefined;
      });
      return running;
    }
    // The running sync may have started before the caller's commit: it needs the one after.
    next ??= running
      .catch(() => {})
      .then(() => {
        next = undefined;
        return flush();
      });
    return next;
  };

  return {
    flush,
    close() {
      for (const old of retired.splice(0)) closeSync(old);
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
