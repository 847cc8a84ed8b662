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

export function decodeEvent(rec: Uint8Array, sink: EventSink): void {
  const r = new ProtoReader(rec);
  let wallTime = 0;
  let step = 0;
  let summary: { start: number; end: number } | undefined;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE.fixed64) wallTime = r.double();
    else if (field === 2 && wire === WIRE.varint) step = r.int64();
    else if (field === 5 && wire === WIRE.bytes) summary = r.bytes();
    else r.skip(wire);
  }
  sink.event(wallTime, step);
  if (!summary) return;
  const s = new ProtoReader(rec, summary.start, summary.end);
  while (!s.done) {
    const { field, wire } = s.tag();
    if (field === 1 && wire === WIRE.bytes) decodeValue(s.message(), sink);
    else s.skip(wire);
  }
}

function decodeValue(v: ProtoReader, sink: EventSink): void {
  let tag = '';
  let scalar: number | undefined;
  let plugin: string | undefined;
  let content: Uint8Array | undefined;
  while (!v.done) {
    const { field, wire } = v.tag();
    if (field === 1 && wire === WIRE.bytes) tag = v.string();
    else if (field === 2 && wire === WIRE.fixed32) scalar = v.float();
    else if (field === 8 && wire === WIRE.bytes) scalar = tensorScalar(v.message());
    else if (field === 9 && wire === WIRE.bytes) {
      const m = v.message();
      while (!m.done) {
        const t = m.tag();
        if (t.field === 1 && t.wire === WIRE.bytes) {
          const p = m.message();
          while (!p.done) {
            const u = p.tag();
            if (u.field === 1 && u.wire === WIRE.bytes) plugin = p.string();
            else if (u.field === 2 && u.wire === WIRE.bytes) {
              const b = p.bytes();
              content = p.buf.subarray(b.start, b.end);
            } else p.skip(u.wire);
          }
        } else m.skip(t.wire);
      }
    } else v.skip(wire);
  }
  sink.value(tag, plugin, content, scalar);
}

/** The number a tensor holds when it holds exactly one (of a numeric type); else undefined. */
export function tensorScalar(t: ProtoReader): number | undefined {
  let dtype = 0;
  let elements = 1;
  let content: { start: number; end: number } | undefined;
  const vals: number[] = [];
  while (!t.done) {
    const { field, wire } = t.tag();
    if (field === 1 && wire === WIRE.varint) dtype = t.varint();
    else if (field === 2 && wire === WIRE.bytes) {
      const shape = t.message();
      while (!shape.done) {
        const s = shape.tag();
        if (s.field === 2 && s.wire === WIRE.bytes) {
          const dim = shape.message();
          while (!dim.done) {
            const d = dim.tag();
            if (d.field === 1 && d.wire === WIRE.varint) elements *= dim.int64();
            else dim.skip(d.wire);
          }
        } else shape.skip(s.wire);
      }
    } else if (field === 4 && wire === WIRE.bytes) content = t.bytes();
    else if ((field === 5 || field === 6 || field === 7 || field === 10 || field === 13) && wire === WIRE.bytes) {
      // Packed repeated values.
      const packed = t.message();
      while (!packed.done) vals.push(field === 5 ? packed.float() : field === 6 ? packed.double() : field === 13 ? half(packed.varint()) : packed.int64());
    } else if (field === 5 && wire === WIRE.fixed32) vals.push(t.float());
    else if (field === 6 && wire === WIRE.fixed64) vals.push(t.double());
    else if ((field === 7 || field === 10) && wire === WIRE.varint) vals.push(t.int64());
    else if (field === 13 && wire === WIRE.varint) vals.push(half(t.varint()));
    else t.skip(wire);
  }
  if (elements !== 1) return undefined;
  if (content && content.end > content.start) {
    const view = new DataView(t.buf.buffer, t.buf.byteOffset + content.start, content.end - content.start);
    switch (dtype) {
      case DT.float:
        return view.byteLength === 4 ? view.getFloat32(0, true) : undefined;
      case DT.double:
        return view.byteLength === 8 ? view.getFloat64(0, true) : undefined;
      case DT.int32:
        return view.byteLength === 4 ? view.getInt32(0, true) : undefined;
      case DT.int64:
        return view.byteLength === 8 ? Number(view.getBigInt64(0, true)) : undefined;
      case DT.half:
        return view.byteLength === 2 ? half(view.getUint16(0, true)) : undefined;
      default:
        return undefined;
    }
  }
  const numeric: number[] = [DT.float, DT.double, DT.int32, DT.uint8, DT.int16, DT.int8, DT.int64, DT.half];
  return vals.length === 1 && numeric.includes(dtype) ? vals[0] : undefined;
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
    const { field, wire } = r.tag();
    if (field === 3 && wire === WIRE.bytes) {
      const start = r.message();
      while (!start.done) {
        const t = start.tag();
        if (t.field === 1 && t.wire === WIRE.bytes) {
          const entry = start.message();
          let key = '';
          let value: ParamValue = null;
          while (!entry.done) {
            const e = entry.tag();
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
        const t = end.tag();
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
    const { field, wire } = r.tag();
    if (field === 2 && wire === WIRE.fixed64) v = r.double();
    else if (field === 3 && wire === WIRE.bytes) v = r.string();
    else if (field === 4 && wire === WIRE.varint) v = r.varint() !== 0;
    else r.skip(wire);
  }
  return v;
}
