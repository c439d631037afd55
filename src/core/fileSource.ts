/**
 * A workspace file opened for reading its embedded record piece by piece (a few headers and the
 * record, not the whole image). Files in a cloned repository are untrusted: only regular files are
 * read (a FIFO or a device planted under an image's name is refused without blocking), and reads
 * go through a small block cache so walking a file's chunk headers costs few system calls.
 */
import { constants, promises as fsp } from 'node:fs';
import type { ByteSource } from './recordRead';

const BLOCK = 64 * 1024;

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

/** Opens `file` if it is a regular file; throws (with the system's message) otherwise. */
export async function openFileSource(file: string): Promise<FileSource> {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
  const handle = await fsp.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new Error(`${file} is not a regular file`);
    const size = st.size;
    let cached: { at: number; bytes: Uint8Array } | undefined;
    const readAt = async (at: number, length: number): Promise<Uint8Array> => {
      const out = new Uint8Array(Math.max(0, Math.min(length, size - at)));
      let done = 0;
      while (done < out.length) {
        const { bytesRead } = await handle.read(out, done, out.length - done, at + done);
        if (bytesRead === 0) break; // the file shrank meanwhile
        done += bytesRead;
      }
      return out.subarray(0, done);
    };
    return {
      size,
      async read(at, length) {
        if (length > BLOCK / 2) return readAt(at, length);
        if (!cached || at < cached.at || at + length > cached.at + cached.bytes.length) {
          cached = { at, bytes: await readAt(at, BLOCK) };
        }
        return cached.bytes.subarray(at - cached.at, at - cached.at + length);
      },
      close: () => handle.close(),
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
