// Protocol-buffer wire format primitives (varints, tags, length-delimited
// fields), enough to marshal etcd's raftpb/walpb/snappb messages byte for byte
// as gogoproto does, so record sizes (and thus segment cuts) match etcd's.
// Numbers are JS numbers: exact below 2^53, which a simulation never exceeds.

export const WireVarint = 0;
export const WireFixed64 = 1;
export const WireBytes = 2;
export const WireFixed32 = 5;

/** A growable byte buffer that messages are marshaled into. */
export class ProtoWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  reset(): void {
    this.pos = 0;
  }

  bytesView(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  varint(v: number): void {
    if (!(v >= 0) || !Number.isInteger(v)) throw new Error(`proto: cannot encode ${v} as an unsigned varint`);
    this.ensure(10);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  uint(field: number, v: number): void {
    this.tag(field, WireVarint);
    this.varint(v);
  }

  bool(field: number, v: boolean): void {
    this.uint(field, v ? 1 : 0);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, WireBytes);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Writes a length-delimited sub-message produced by `body`. */
  message(field: number, body: (w: ProtoWriter) => void): void {
    this.tag(field, WireBytes);
    // Reserve one length byte (most sub-messages are short), move if longer.
    this.ensure(1);
    const lenPos = this.pos++;
    body(this);
    const len = this.pos - lenPos - 1;
    if (len < 0x80) {
      this.buf[lenPos] = len;
      return;
    }
    const moved = this.buf.slice(lenPos + 1, this.pos);
    this.pos = lenPos;
    this.varint(len);
    this.ensure(len);
    this.buf.set(moved, this.pos);
    this.pos += len;
  }
}

/** Reads fields of one message; throws on malformed input (callers treat it as corruption). */
export class ProtoReader {
  pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('proto: unexpected end of varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new Error('proto: varint overflow');
  }

  /** Returns [field, wireType]. */
  tag(): [number, number] {
    const t = this.varint();
    const field = Math.floor(t / 8);
    if (field === 0) throw new Error('proto: illegal field number 0');
    return [field, t & 7];
  }

  bytes(): Uint8Array {
    const len = this.varint();
    if (len > this.end - this.pos) throw new Error('proto: length-delimited field exceeds the message');
    const out = this.buf.slice(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  /** A reader over a length-delimited sub-message. */
  sub(): ProtoReader {
    const len = this.varint();
    if (len > this.end - this.pos) throw new Error('proto: sub-message exceeds the message');
    const r = new ProtoReader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  skip(wire: number): void {
    switch (wire) {
      case WireVarint:
        this.varint();
        return;
      case WireFixed64:
        this.advance(8);
        return;
      case WireBytes:
        this.advance(this.varint());
        return;
      case WireFixed32:
        this.advance(4);
        return;
      default:
        throw new Error(`proto: illegal wire type ${wire}`);
    }
  }

  /** Throws unless `wire` is what the field needs. */
  expect(field: number, wire: number, want: number): void {
    if (wire !== want) throw new Error(`proto: wrong wire type ${wire} for field ${field}`);
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new Error('proto: unexpected end of message');
    this.pos += n;
  }
}
