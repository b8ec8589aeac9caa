/**
 * The few protobuf encodings an ONNX file needs (varints, length-delimited fields), producing
 * chunk lists instead of one buffer so a 600 MB weight tensor is written without being copied
 * into one contiguous array.
 */
export interface Encoded {
  readonly chunks: Uint8Array[];
  readonly length: number;
}

function varint(value: number | bigint): Uint8Array {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n; // int64 fields encode negatives as 10-byte two's complement
  const bytes: number[] = [];
  do {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    bytes.push(v > 0n ? low | 0x80 : low);
  } while (v > 0n);
  return Uint8Array.from(bytes);
}

/** A message under construction: append fields in any order. */
export class Message {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  int(field: number, value: number | bigint): this {
    this.push(varint(field << 3));
    this.push(varint(value));
    return this;
  }

  bytes(field: number, value: Uint8Array | Encoded): this {
    this.push(varint((field << 3) | 2));
    const encoded = value instanceof Uint8Array ? { chunks: [value], length: value.length } : value;
    this.push(varint(encoded.length));
    encoded.chunks.forEach((c) => this.push(c));
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, value: Message): this {
    return this.bytes(field, value.encoded());
  }

  encoded(): Encoded {
    return { chunks: this.parts, length: this.size };
  }
}
