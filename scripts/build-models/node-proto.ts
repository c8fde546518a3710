import { onnx, type OnnxTypes } from './onnx.js';

const { AttributeType } = onnx.AttributeProto;
const utf8 = new TextEncoder();

/** An attribute value with its ONNX type made explicit (a JS number alone cannot say whether it is INT or FLOAT). */
export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'string'; value: string }
  | { kind: 'strings'; value: readonly string[] };

export const int = (value: number): AttributeValue => ({ kind: 'int', value });
export const ints = (value: readonly number[]): AttributeValue => ({ kind: 'ints', value });
export const str = (value: string): AttributeValue => ({ kind: 'string', value });
export const strs = (value: readonly string[]): AttributeValue => ({ kind: 'strings', value });

function attribute(name: string, attr: AttributeValue): OnnxTypes.IAttributeProto {
  switch (attr.kind) {
    case 'int': return { name, type: AttributeType.INT, i: attr.value };
    case 'ints': return { name, type: AttributeType.INTS, ints: [...attr.value] };
    case 'string': return { name, type: AttributeType.STRING, s: utf8.encode(attr.value) };
    case 'strings': return { name, type: AttributeType.STRINGS, strings: attr.value.map((s) => utf8.encode(s)) };
  }
}

/** One graph node; attributes are written in the order given, so the encoding is stable. */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Readonly<Record<string, AttributeValue>> = {},
  domain = '',
): OnnxTypes.INodeProto {
  return {
    opType,
    domain,
    name: outputs[0] ?? opType,
    input: [...inputs],
    output: [...outputs],
    attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
  };
}
