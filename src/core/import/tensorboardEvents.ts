// Decodes TensorBoard's Event protocol buffer (tensorflow/core/util/event.proto) far enough
// for scalars and hyperparameters, without TensorFlow:
//   Event          1 wall_time double, 2 step int64, 3 file_version string, 5 summary Summary
//   Summary        1 value repeated Value
//   Value          1 tag, 2 simple_value float, 8 tensor TensorProto, 9 metadata SummaryMetadata
//   SummaryMetadata 1 plugin_data {1 plugin_name, 2 content bytes}
//   TensorProto    1 dtype, 2 tensor_shape {2 dim {1 size}}, 4 tensor_content, 5 float_val,
//                  6 double_val, 7 int_val, 10 int64_val, 13 half_val
// and the hparams plugin's HParamsPluginData (tensorboard/plugins/hparams/plugin_data.proto):
//   3 session_start_info {1 hparams map<string, google.protobuf.Value>, 5 start_time_secs}
//   4 session_end_info {1 status, 2 end_time_secs}
import type { ParamValue } from '../events';
import { ProtoReader, WIRE } from './protobuf';

function fieldOf(r: ProtoReader): { field: number; wire: number } {
  const key = r.key();
  return { field: key >>> 3, wire: key & 7 };
}

export interface EventSink {
  /** Each event, before its values. */
  event(wallTime: number, step: number): void;
  /**
   * A summary value: its tag, the plugin named in its metadata (if this value carries
   * metadata), that plugin's content, and its number when it holds a single one.
   */
  value(tag: string, plugin: string | undefined, content: Uint8Array | undefined, scalar: number | undefined): void;
}

const DT = { float: 1, double: 2, int32: 3, uint8: 4, int16: 5, int8: 6, int64: 9, half: 19 } as const;

/** Field keys (field number * 8 + wire type) of the messages read here. */
const K = {
  wallTime: (1 << 3) | WIRE.fixed64,
  step: (2 << 3) | WIRE.varint,
  summary: (5 << 3) | WIRE.bytes,
  value: (1 << 3) | WIRE.bytes,
  tag: (1 << 3) | WIRE.bytes,
  simpleValue: (2 << 3) | WIRE.fixed32,
  tensor: (8 << 3) | WIRE.bytes,
  metadata: (9 << 3) | WIRE.bytes,
  pluginData: (1 << 3) | WIRE.bytes,
  pluginName: (1 << 3) | WIRE.bytes,
  pluginContent: (2 << 3) | WIRE.bytes,
  dtype: (1 << 3) | WIRE.varint,
  shape: (2 << 3) | WIRE.bytes,
  dim: (2 << 3) | WIRE.bytes,
  dimSize: (1 << 3) | WIRE.varint,
  content: (4 << 3) | WIRE.bytes,
} as const;

const NUMERIC: ReadonlySet<number> = new Set([DT.float, DT.double, DT.int32, DT.uint8, DT.int16, DT.int8, DT.int64, DT.half]);

export function decodeEvent(rec: Uint8Array, sink: EventSink): void {
  const r = new ProtoReader(rec);
  let wallTime = 0;
  let step = 0;
  let summaryStart = -1;
  let summaryEnd = -1;
  while (!r.done) {
    const key = r.key();
    if (key === K.wallTime) wallTime = r.double();
    else if (key === K.step) step = r.int64();
    else if (key === K.summary) {
      summaryEnd = r.enter();
      summaryStart = r.pos;
      r.pos = summaryEnd;
    } else r.skip(key & 7);
  }
  sink.event(wallTime, step);
  if (summaryStart < 0) return;
  r.pos = summaryStart;
  while (r.pos < summaryEnd) {
    const key = r.key();
    if (key === K.value) {
      const end = r.enter();
      decodeValue(r, end, sink);
      r.pos = end;
    } else r.skip(key & 7);
  }
}

/** Reads one Summary.Value from r.pos to end. */
function decodeValue(v: ProtoReader, end: number, sink: EventSink): void {
  let tag = '';
  let scalar: number | undefined;
  let plugin: string | undefined;
  let content: Uint8Array | undefined;
  while (v.pos < end) {
    const key = v.key();
    if (key === K.tag) tag = v.string();
    else if (key === K.simpleValue) scalar = v.float();
    else if (key === K.tensor) {
      const tensorEnd = v.enter();
      scalar = tensorScalar(v, tensorEnd);
      v.pos = tensorEnd;
    }
    else if (key === K.metadata) {
      const m = v.message();
      while (!m.done) {
        const mk = m.key();
        if (mk === K.pluginData) {
          const p = m.message();
          while (!p.done) {
            const pk = p.key();
            if (pk === K.pluginName) plugin = p.string();
            else if (pk === K.pluginContent) {
              const b = p.bytes();
              content = p.buf.subarray(b.start, b.end);
            } else p.skip(pk & 7);
          }
        } else m.skip(mk & 7);
      }
    } else v.skip(key & 7);
  }
  sink.value(tag, plugin, content, scalar);
}

/** The number a tensor holds when it holds exactly one (of a numeric type); else undefined. */
export function tensorScalar(t: ProtoReader, end = t.end): number | undefined {
  let dtype = 0;
  let elements = 1;
  let contentStart = -1;
  let contentEnd = -1;
  let count = 0;
  let val = 0;
  while (t.pos < end) {
    const key = t.key();
    const field = key >>> 3;
    const wire = key & 7;
    if (key === K.dtype) dtype = t.varint();
    else if (key === K.shape) {
      const shapeEnd = t.enter();
      while (t.pos < shapeEnd) {
        const sk = t.key();
        if (sk === K.dim) {
          const dimEnd = t.enter();
          while (t.pos < dimEnd) {
            const dk = t.key();
            if (dk === K.dimSize) elements *= t.int64();
            else t.skip(dk & 7);
          }
        } else t.skip(sk & 7);
      }
    } else if (key === K.content) {
      contentEnd = t.enter();
      contentStart = t.pos;
      t.pos = contentEnd;
    } else if ((field === 5 || field === 6 || field === 7 || field === 10 || field === 13) && wire === WIRE.bytes) {
      // Packed repeated values.
      const packedEnd = t.enter();
      while (t.pos < packedEnd) {
        val = field === 5 ? t.float() : field === 6 ? t.double() : field === 13 ? half(t.varint()) : t.int64();
        count++;
      }
    } else if (field === 5 && wire === WIRE.fixed32) {
      val = t.float();
      count++;
    } else if (field === 6 && wire === WIRE.fixed64) {
      val = t.double();
      count++;
    } else if ((field === 7 || field === 10) && wire === WIRE.varint) {
      val = t.int64();
      count++;
    } else if (field === 13 && wire === WIRE.varint) {
      val = half(t.varint());
      count++;
    } else t.skip(wire);
  }
  if (elements !== 1) return undefined;
  if (contentEnd > contentStart) {
    const b = t.buf;
    const len = contentEnd - contentStart;
    switch (dtype) {
      case DT.float:
        return len === 4 ? b.readFloatLE(contentStart) : undefined;
      case DT.double:
        return len === 8 ? b.readDoubleLE(contentStart) : undefined;
      case DT.int32:
        return len === 4 ? b.readInt32LE(contentStart) : undefined;
      case DT.int64:
        return len === 8 ? Number(b.readBigInt64LE(contentStart)) : undefined;
      case DT.half:
        return len === 2 ? half(b.readUInt16LE(contentStart)) : undefined;
      default:
        return undefined;
    }
  }
  return count === 1 && NUMERIC.has(dtype) ? val : undefined;
}

/** IEEE 754 half precision bits to a number. */
function half(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

export interface SessionInfo {
  hparams?: Record<string, ParamValue>;
  startTime?: number;
  /** 0 unknown, 1 success, 2 failure, 3 running. */
  endStatus?: number;
  endTime?: number;
}

/** The parts of HParamsPluginData a run needs: its hyperparameters and how the session ended. */
export function decodeHparams(content: Uint8Array): SessionInfo {
  const out: SessionInfo = {};
  const r = new ProtoReader(content);
  while (!r.done) {
    const { field, wire } = fieldOf(r);
    if (field === 3 && wire === WIRE.bytes) {
      const start = r.message();
      while (!start.done) {
        const t = fieldOf(start);
        if (t.field === 1 && t.wire === WIRE.bytes) {
          const entry = start.message();
          let key = '';
          let value: ParamValue = null;
          while (!entry.done) {
            const e = fieldOf(entry);
            if (e.field === 1 && e.wire === WIRE.bytes) key = entry.string();
            else if (e.field === 2 && e.wire === WIRE.bytes) value = protobufValue(entry.message());
            else entry.skip(e.wire);
          }
          (out.hparams ??= {})[key] = value;
        } else if (t.field === 5 && t.wire === WIRE.fixed64) out.startTime = start.double();
        else start.skip(t.wire);
      }
    } else if (field === 4 && wire === WIRE.bytes) {
      const end = r.message();
      out.endStatus ??= 0;
      while (!end.done) {
        const t = fieldOf(end);
        if (t.field === 1 && t.wire === WIRE.varint) out.endStatus = end.varint();
        else if (t.field === 2 && t.wire === WIRE.fixed64) out.endTime = end.double();
        else end.skip(t.wire);
      }
    } else r.skip(wire);
  }
  return out;
}

/** google.protobuf.Value: 1 null, 2 number, 3 string, 4 bool (lists and structs as null). */
function protobufValue(r: ProtoReader): ParamValue {
  let v: ParamValue = null;
  while (!r.done) {
    const { field, wire } = fieldOf(r);
    if (field === 2 && wire === WIRE.fixed64) v = r.double();
    else if (field === 3 && wire === WIRE.bytes) v = r.string();
    else if (field === 4 && wire === WIRE.varint) v = r.varint() !== 0;
    else r.skip(wire);
  }
  return v;
}
