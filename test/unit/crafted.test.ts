/**
 * A hostile repository's images: every record parser is bounded in the bytes it reads and the
 * memory it takes, whatever a file claims. Runs the in-memory reader (`readRecord`) and the file
 * reader (`readRecordFrom`) over the same crafted bytes; they must agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { openFileSource } from '../../src/core/fileSource';
import { RECORD_MAX_BYTES, RECORD_READ_BUDGET } from '../../src/core/metadata';
import { readRecord, readRecordFrom, type ByteSource } from '../../src/core/recordRead';
import * as crafted from '../crafted/images';

/** A source over `bytes` that counts what is read. */
function counting(bytes: Uint8Array): ByteSource & { reads: number; bytesRead: number } {
  const s = {
    size: bytes.length,
    reads: 0,
    bytesRead: 0,
    async read(at: number, length: number) {
      s.reads++;
      const out = bytes.subarray(at, at + length);
      s.bytesRead += out.length;
      return out;
    },
  };
  return s;
}

/** Both readers on `bytes`: what they found, and how much the file reader read. */
async function both(bytes: Uint8Array) {
  const source = counting(bytes);
  const fromFile = await readRecordFrom(source);
  const inMemory = readRecord(bytes);
  assert.deepEqual(fromFile, inMemory, 'the two readers agree');
  assert.ok(source.bytesRead <= RECORD_READ_BUDGET, `read ${source.bytesRead} bytes, budget ${RECORD_READ_BUDGET}`);
  return { record: inMemory, bytesRead: source.bytesRead, reads: source.reads };
}

/**
 * How much higher the process's peak memory (max RSS) went while `fn` ran. The peak only rises, so
 * this sees a transient allocation that is freed before `fn` returns (the bomb's 2 GB).
 */
async function growth(fn: () => Promise<unknown>): Promise<number> {
  const before = process.resourceUsage().maxRSS;
  await fn();
  return (process.resourceUsage().maxRSS - before) * 1024;
}

test('a PNG record flagged compressed that inflates to 2.1 GB is refused, using little memory', async () => {
  const bomb = crafted.pngBomb(2100);
  assert.ok(bomb.length > 2_000_000 && bomb.length < 2_400_000, `${bomb.length} bytes`);
  // Before the cap, this alone ended the process (V8: "kMaxInt >= len"); no try/catch could help.
  const grown = await growth(() => both(bomb));
  assert.equal(readRecord(bomb), undefined);
  assert.ok(grown < 200 * 1024 * 1024, `memory grew ${Math.round(grown / 1048576)} MB`);
});

test('a compressed record: read up to the cap, refused one byte beyond it', async () => {
  const at = crafted.recordJsonOfSize(RECORD_MAX_BYTES);
  const over = crafted.recordJsonOfSize(RECORD_MAX_BYTES + 1);
  assert.equal((await both(crafted.png([crafted.recordItxt(deflateSync(at), true)]))).record?.prompt, JSON.parse(at).prompt);
  assert.equal((await both(crafted.png([crafted.recordItxt(deflateSync(over), true)]))).record, undefined);
});

test('an uncompressed record, and the same in JPEG Extended XMP and in a WebP XMP chunk: refused beyond the cap', async () => {
  const over = Buffer.from(crafted.recordJsonOfSize(RECORD_MAX_BYTES + 1));
  const under = Buffer.from(crafted.recordJsonOfSize(200_000));
  assert.ok((await both(crafted.png([crafted.recordItxt(under, false)]))).record);
  assert.equal((await both(crafted.png([crafted.recordItxt(over, false)]))).record, undefined);
  const xmp = (json: Buffer) =>
    Buffer.from(`<x:xmpmeta xmlns:x="adobe:ns:meta/"><fluxstudio:record>${json.toString('latin1')}</fluxstudio:record></x:xmpmeta>`, 'latin1');
  assert.ok((await both(crafted.webp([crafted.riff('XMP ', xmp(under))]))).record);
  assert.equal((await both(crafted.webp([crafted.riff('XMP ', xmp(over))]))).record, undefined);
  // JPEG: the extended packet in 64 KB portions, each claiming the whole length.
  const jpegWith = (packet: Buffer) => {
    const portions = [];
    for (let o = 0; o < packet.length; o += 65_000) portions.push(crafted.xmpExtension(packet.length, o, packet.subarray(o, o + 65_000)));
    return crafted.jpeg([crafted.xmpNamingExtension(), ...portions]);
  };
  assert.ok((await both(jpegWith(xmp(under)))).record, 'an extended record under the cap is read');
  assert.equal((await both(jpegWith(xmp(over)))).record, undefined);
});

test('Extended XMP claiming 4 GB, and portions past the claimed length, are refused without allocating', async () => {
  for (const total of [0xffffffff, 2 ** 31, RECORD_MAX_BYTES + 1]) {
    const grown = await growth(() => both(crafted.jpegExtendedClaim(total)));
    assert.equal(readRecord(crafted.jpegExtendedClaim(total)), undefined);
    assert.ok(grown < 64 * 1024 * 1024, `total ${total}: memory grew ${Math.round(grown / 1048576)} MB`);
  }
  assert.equal(readRecord(crafted.jpeg([crafted.xmpNamingExtension(), crafted.xmpExtension(10, 5, Buffer.alloc(100))])), undefined);
});

test('lying lengths, truncated chunks and bogus headers: undefined, within the read budget', async () => {
  const json = Buffer.from(crafted.recordJsonOfSize(500));
  const good = crafted.png([crafted.recordItxt(json, false)]);
  assert.ok((await both(good)).record, 'the honest file is read');
  const cases: [string, Buffer][] = [
    ['PNG record chunk claiming 4 GB', crafted.png([crafted.pngChunk('iTXt', Buffer.concat([Buffer.from('flux-image-studio\0\0\0\0\0'), json]), 0xfffffff0)])],
    ['PNG chunk before the record claiming 3 GB', crafted.png([crafted.pngChunk('tEXt', Buffer.from('a\0b'), 0xc0000000), crafted.recordItxt(json, false)])],
    ['PNG cut inside the record', good.subarray(0, good.indexOf('flux-image-studio') + 100)],
    ['PNG with a zero-size IHDR', Buffer.concat([good.subarray(0, 16), Buffer.alloc(8), good.subarray(24)])],
    [
      'JPEG with a SOF of zero size',
      crafted.jpeg([crafted.app1(Buffer.from(`http://ns.adobe.com/xap/1.0/\0<fluxstudio:record>${json}</fluxstudio:record>`))], 0, 0),
    ],
    ['JPEG segment length 1', Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x01, 0xff, 0xd9])],
    ['JPEG of fill bytes only', Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.alloc(1_000_000, 0xff)])],
    ['WebP claiming a RIFF size past the end', crafted.webp([crafted.riff('XMP ', json)], 0x7ffffff0)],
    ['WebP XMP chunk claiming 2 GB', crafted.webp([crafted.riff('XMP ', json, 0x80000000)])],
  ];
  for (const [name, bytes] of cases) {
    const r = await both(bytes);
    assert.equal(r.record, undefined, name);
  }
});

test('a million tiny chunks before the record: the walk stops within its budget', async () => {
  const tiny = crafted.pngChunk('tIME', Buffer.alloc(0));
  const many = crafted.png([...Array.from({ length: 1_000_000 }, () => tiny), crafted.recordItxt(Buffer.from(crafted.recordJsonOfSize(500)), false)]);
  const r = await both(many);
  assert.equal(r.record, undefined, 'given up, not read to the end');
  assert.ok(r.reads <= 40_000, `${r.reads} reads`);
});

test('property: any damage to a crafted file is answered within the budget, by both readers alike', async () => {
  const json = Buffer.from(crafted.recordJsonOfSize(2000));
  const xmp = Buffer.from(`<fluxstudio:record>${json}</fluxstudio:record>`);
  const files = [
    crafted.png([crafted.recordItxt(deflateSync(json), true)]),
    crafted.jpeg([crafted.app1(Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0'), xmp]))]),
    crafted.jpegExtendedClaim(5000),
    crafted.webp([crafted.riff('XMP ', xmp)]),
    crafted.pngBomb(8),
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.nat(files.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }),
      fc.nat(),
      async (which, edits, cut) => {
        const b = Buffer.from(files[which]!);
        // Damage where it matters most: the first 200 bytes hold every header and length.
        for (const [at, value] of edits) b[at % Math.min(200, b.length)] = value;
        await both(b.subarray(0, b.length - (cut % 64)));
      },
    ),
    { numRuns: 400 },
  );
});

test('openFileSource: a workspace file is read in pieces; a FIFO or a folder under an image name is refused without blocking', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux-crafted-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bombFile = path.join(dir, 'bomb.png');
  fs.writeFileSync(bombFile, crafted.pngBomb(2100));
  const good = crafted.png([crafted.recordItxt(Buffer.from(crafted.recordJsonOfSize(700)), false)]);
  fs.writeFileSync(path.join(dir, 'good.png'), good);
  for (const [name, expected] of [
    ['bomb.png', undefined],
    ['good.png', readRecord(good)],
  ] as const) {
    const source = await openFileSource(path.join(dir, name));
    try {
      assert.deepEqual(await readRecordFrom(source), expected, name);
    } finally {
      await source.close();
    }
  }
  const fifo = path.join(dir, 'fifo.png');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(openFileSource(fifo), /not a regular file/);
  fs.mkdirSync(path.join(dir, 'folder.png'));
  await assert.rejects(openFileSource(path.join(dir, 'folder.png')));
});
