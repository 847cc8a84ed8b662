// TFRecord framing, as TensorFlow writes event files:
//   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes | data | uint32 masked CRC-32C of data
// Both checksums are checked. A bad length checksum ends the file (nothing after it can be
// framed); a bad data checksum skips that record. A record cut short at the end ends the
// reading; `end` says where the complete records stop, so the caller can tell a tail still
// being written from a cut file, and the next read can start there.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { maskedCrc32c } from './crc32c';

export interface RecordProblem {
  offset: number;
  message: string;
}

const CHUNK = 4 << 20;

/** Where a read stopped: `end` is the offset after the last record read (or judged unreadable). */
export interface ReadEnd {
  end: number;
  /** The file's size when read. */
  size: number;
  /** Bytes after `end` that are an incomplete record. */
  torn: number;
}

/** Yields each record's data from byte `from` (a view valid until the next record is read). */
export function* tfRecords(file: string, problems: RecordProblem[], from = 0, out: ReadEnd = { end: 0, size: 0, torn: 0 }): Generator<Uint8Array> {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    out.size = size;
    out.end = from;
    out.torn = 0;
    let buf = Buffer.alloc(CHUNK);
    let have = 0; // bytes in buf
    let at = 0; // read position in buf
    let fileOffset = from; // file offset of buf[0]
    let eof = false;
    // Makes sure `n` bytes from `at` are in the buffer; false at the end of the file.
    const need = (n: number): boolean => {
      if (have - at >= n) return true;
      if (at > 0) {
        buf.copy(buf, 0, at, have);
        fileOffset += at;
        have -= at;
        at = 0;
      }
      if (n > buf.length) {
        const bigger = Buffer.alloc(Math.max(n, buf.length * 2));
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
      while (have < n && !eof) {
        const got = readSync(fd, buf, have, buf.length - have, fileOffset + have);
        if (got === 0) eof = true;
        have += got;
      }
      return have - at >= n;
    };
    while (need(12)) {
      const start = fileOffset + at;
      const lo = buf.readUInt32LE(at);
      const hi = buf.readUInt32LE(at + 4);
      if (maskedCrc32c(buf, at, at + 8) !== buf.readUInt32LE(at + 8)) {
        problems.push({ offset: start, message: `record length checksum mismatch; the rest of the file (${size - start} bytes) is skipped` });
        out.end = size;
        return;
      }
      const length = hi * 0x100000000 + lo;
      if (length > size) {
        problems.push({ offset: start, message: `record length ${length} is larger than the file; the rest (${size - start} bytes) is skipped` });
        out.end = size;
        return;
      }
      at += 12;
      if (!need(length + 4)) {
        out.torn = size - start;
        return;
      }
      const ok = maskedCrc32c(buf, at, at + length) === buf.readUInt32LE(at + length);
      at += length + 4;
      out.end = fileOffset + at;
      if (ok) yield buf.subarray(at - length - 4, at - 4);
      else problems.push({ offset: start, message: 'record data checksum mismatch; record skipped' });
    }
    out.torn = size - out.end;
  } finally {
    closeSync(fd);
  }
}
