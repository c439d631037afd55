/**
 * src/core/fileSource.ts on its own: small reads go through a 64 KiB block cache (reads inside the
 * cached block cost no read of the file, reads before it or across its end read the file again),
 * reads larger than half a block go straight to the file, and every read is bounded by the size
 * the file had when it was opened (at or after the end: nothing; a file that grew or shrank
 * meanwhile). The reads of the file are counted on Node's FileHandle: one there per read that asks
 * for bytes. Written from the mutants StrykerJS found alive (npm run test:mutation, CONTRIBUTING.md).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openFileSource } from '../../src/core/fileSource';

const BLOCK = 64 * 1024;
const SIZE = 200_000;

let dir: string;
let reads = 0;
let restoreRead: (() => void) | undefined;

/** The test file's byte at `i`: differs between neighbours and between blocks. */
function byteAt(i: number): number {
  return (i * 7 + Math.floor(i / 251)) & 0xff;
}

function expected(at: number, length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, k) => byteAt(at + k));
}

function bytes(n: number): Uint8Array {
  return expected(0, n);
}

let files = 0;
function writeFile(content: Uint8Array): string {
  const file = path.join(dir, `file-${files++}.bin`);
  fs.writeFileSync(file, content);
  return file;
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-file-source-'));
  // Count the reads that ask the file for bytes (a read of 0 bytes never reaches the system).
  const probe = await fs.promises.open(__filename, 'r');
  const proto = Object.getPrototypeOf(probe) as { read: (...args: unknown[]) => Promise<unknown> };
  await probe.close();
  const read = proto.read;
  proto.read = function (this: unknown, ...args: unknown[]) {
    if (typeof args[2] !== 'number' || args[2] > 0) reads++;
    return read.apply(this, args);
  };
  restoreRead = () => (proto.read = read);
});

after(() => {
  restoreRead?.();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('small reads inside one 64 KiB block read the file once, up to exactly half a block', async () => {
  const source = await openFileSource(writeFile(bytes(SIZE)));
  try {
    assert.equal(source.size, SIZE);
    reads = 0;
    assert.deepEqual(await source.read(0, 16), expected(0, 16));
    assert.equal(reads, 1);
    assert.deepEqual(await source.read(0, 16), expected(0, 16), 'the same read again');
    assert.deepEqual(await source.read(1000, 100), expected(1000, 100));
    assert.deepEqual(await source.read(BLOCK - 16, 16), expected(BLOCK - 16, 16), 'ending exactly at the end of the block');
    assert.deepEqual(await source.read(0, BLOCK / 2), expected(0, BLOCK / 2), 'exactly half a block');
    assert.equal(reads, 1, 'all from the cached block');
  } finally {
    await source.close();
  }
});

test('a read before the cached block or across its end reads the file again and returns the bytes asked for', async () => {
  const source = await openFileSource(writeFile(bytes(SIZE)));
  try {
    reads = 0;
    assert.deepEqual(await source.read(1000, 16), expected(1000, 16));
    assert.deepEqual(await source.read(1010, 4), expected(1010, 4), 'inside a block that does not start at 0');
    assert.deepEqual(await source.read(1000 + BLOCK - 8, 8), expected(1000 + BLOCK - 8, 8), 'ending exactly at its end');
    assert.equal(reads, 1);
    assert.deepEqual(await source.read(1000 + BLOCK - 6, 16), expected(1000 + BLOCK - 6, 16), 'across the end');
    assert.equal(reads, 2);
    assert.deepEqual(await source.read(500, 16), expected(500, 16), 'before the block');
    assert.equal(reads, 3);
    assert.deepEqual(await source.read(499, 2), expected(499, 2), 'one byte before the (new) block');
    assert.equal(reads, 4);
  } finally {
    await source.close();
  }
});

test('a read larger than half a block goes straight to the file, whole, and leaves the cached block alone', async () => {
  const source = await openFileSource(writeFile(bytes(SIZE)));
  try {
    reads = 0;
    assert.deepEqual(await source.read(10, 16), expected(10, 16));
    assert.deepEqual(await source.read(0, 100_000), expected(0, 100_000), 'larger than a block');
    assert.equal(reads, 2);
    assert.deepEqual(await source.read(20, 16), expected(20, 16));
    assert.equal(reads, 2, 'the cached block is still the first one');
    assert.deepEqual(await source.read(50_000, BLOCK / 2 + 1), expected(50_000, BLOCK / 2 + 1), 'one byte more than half a block');
    assert.equal(reads, 3);
    assert.deepEqual(await source.read(30, 16), expected(30, 16));
    assert.equal(reads, 3);
  } finally {
    await source.close();
  }
});

test('a read at or after the end returns no bytes, and one running past the end returns the bytes there are', async () => {
  const source = await openFileSource(writeFile(bytes(SIZE)));
  try {
    for (const length of [16, BLOCK]) {
      assert.equal((await source.read(SIZE, length)).length, 0, `at the end, ${length}`);
      assert.equal((await source.read(SIZE + 100, length)).length, 0, `after the end, ${length}`);
      assert.deepEqual(await source.read(SIZE - 10, length), expected(SIZE - 10, 10), `across the end, ${length}`);
    }
    assert.equal((await source.read(0, 0)).length, 0);
  } finally {
    await source.close();
  }
});

test('a file that grew after it was opened is read as it was then: nothing past its size at opening', async () => {
  const n = 100_000;
  const file = writeFile(bytes(n));
  const source = await openFileSource(file);
  try {
    fs.appendFileSync(file, expected(n, 5000));
    assert.equal(source.size, n);
    assert.deepEqual(await source.read(n - 10, 16), expected(n - 10, 10));
    assert.deepEqual(await source.read(n - 10, BLOCK), expected(n - 10, 10));
    assert.equal((await source.read(n, 16)).length, 0);
    assert.equal((await source.read(n + 10, BLOCK)).length, 0);
  } finally {
    await source.close();
  }
});

test('a file that shrank after it was opened: a read stops where its bytes now end', async () => {
  const file = writeFile(bytes(100_000));
  const source = await openFileSource(file);
  try {
    fs.truncateSync(file, 50_000);
    assert.deepEqual(await source.read(30_000, 40_000), expected(30_000, 20_000), 'straight from the file');
    assert.deepEqual(await source.read(49_990, 16), expected(49_990, 10), 'through the cache');
    assert.equal((await source.read(60_000, 16)).length, 0);
    assert.equal((await source.read(60_000, 40_000)).length, 0);
  } finally {
    await source.close();
  }
});

test('close releases the file: a read of the file afterwards fails', async () => {
  const source = await openFileSource(writeFile(bytes(SIZE)));
  await source.close();
  await assert.rejects(source.read(0, 40_000), { code: 'EBADF' });
});

test('a directory is refused as not a regular file', async () => {
  await assert.rejects(openFileSource(dir), { message: `${dir} is not a regular file` });
});
