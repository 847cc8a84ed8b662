// A small protocol-buffers wire-format reader: enough to walk messages field by field.
// Readers of embedded messages share the record's buffer: nothing is copied.

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export class ProtoError extends Error {}

export class ProtoReader {
  pos: number;
  readonly buf: Buffer;

  constructor(
    buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.buf = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's key: field number * 8 + wire type (`key >>> 3`, `key & 7`). */
  key(): number {
    const b = this.buf[this.pos];
    // One-byte keys (fields 1..15) are nearly all of them.
    if (b < 0x80 && this.pos < this.end) {
      this.pos++;
      return b;
    }
    return this.varint();
  }

  /** An unsigned varint up to 2^64 (exact up to 2^53). */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtoError('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new ProtoError('varint longer than 10 bytes');
  }

  /** A varint read as a two's-complement int64 (negative values come as 10-byte varints). */
  int64(): number {
    const v = this.varint();
    return v >= 2 ** 63 ? v - 2 ** 64 : v;
  }

  double(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  /** A length-delimited field: [start, end) of its bytes. */
  bytes(): { start: number; end: number } {
    const len = this.varint();
    this.need(len);
    const start = this.pos;
    this.pos += len;
    return { start, end: this.pos };
  }

  /** Skips a length-delimited field's header and returns its end (its bytes start at pos). */
  enter(): number {
    const len = this.varint();
    this.need(len);
    return this.pos + len;
  }

  string(): string {
    const len = this.varint();
    this.need(len);
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** A reader over an embedded message. */
  message(): ProtoReader {
    const end = this.enter();
    const r = new ProtoReader(this.buf, this.pos, end);
    this.pos = end;
    return r;
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE.varint:
        this.varint();
        return;
      case WIRE.fixed64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE.bytes:
        this.pos = this.enter();
        return;
      case WIRE.fixed32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new ProtoError(`unsupported wire type ${wire}`);
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtoError('truncated field');
  }
}
