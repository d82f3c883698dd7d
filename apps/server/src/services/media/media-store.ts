import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Where the bytes of media files live. Keys are Parlo's media ids (safe file names). */
export interface MediaFiles {
  put(key: string, data: Buffer): Promise<void>;
  /** undefined when there is no such file. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes the file; no error when there is none (an erase or retention run again). */
  delete(key: string): Promise<void>;
}

const SAFE_KEY = /^[A-Za-z0-9_-]{1,200}$/;

/** The default media store: one file per media id in a local directory (PARLO_MEDIA_DIR). */
export class LocalMediaFiles implements MediaFiles {
  readonly #dir: string;
  #ready: Promise<unknown> | undefined;

  constructor(dir: string) {
    this.#dir = resolve(dir);
  }

  async put(key: string, data: Buffer): Promise<void> {
    const path = this.#path(key);
    this.#ready ??= mkdir(this.#dir, { recursive: true });
    await this.#ready;
    // Written aside and renamed: a crash never leaves a half file under the real name.
    const temp = `${path}.${process.pid}.part`;
    await writeFile(temp, data);
    await rename(temp, path);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  #path(key: string): string {
    // Keys are ours, but a path never comes from anything that could climb out of the directory.
    if (!SAFE_KEY.test(key)) throw new Error('media store: unsafe key');
    return join(this.#dir, key);
  }
}
