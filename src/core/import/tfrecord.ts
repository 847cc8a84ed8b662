// TFRecord framing, as TensorFlow writes event files:
//   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes | data | uint32 masked CRC-32C of data
// Both checksums are checked. A bad length checksum ends the file (nothing after it can be
// framed); a bad data checksum skips that record. A record cut short at the end (a file still
// being written) ends the file quietly.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { maskedCrc32c } from './crc32c';

export interface RecordProblem {
  offset: number;
  message: string;
}

const CHUNK = 4 << 20;

/** Yields each record's data (a view valid until the next record is read). */
export function* tfRecords(file: string, problems: RecordProblem[]): Generator<Uint8Array> {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    let buf = Buffer.alloc(CHUNK);
    let have = 0; // bytes in buf
    let at = 0; // read position in buf
    let fileOffset = 0; // file offset of buf[0]
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
        problems.push({ offset: start, message: 'record length checksum mismatch; the rest of the file is skipped' });
        return;
      }
      const length = hi * 0x100000000 + lo;
      if (length > size) {
        problems.push({ offset: start, message: `record length ${length} is larger than the file; the rest is skipped` });
        return;
      }
      at += 12;
      if (!need(length + 4)) return;
      const ok = maskedCrc32c(buf, at, at + length) === buf.readUInt32LE(at + length);
      if (ok) yield buf.subarray(at, at + length);
      else problems.push({ offset: start, message: 'record data checksum mismatch; record skipped' });
      at += length + 4;
    }
  } finally {
    closeSync(fd);
  }
}
