import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATATYPES } from './datatypes.js';
import { decodeInferRequest } from './decode-infer-request.js';
import { ProtocolError } from './protocol-error.js';
import { mulberry32 } from '../../random/mulberry32.js';

// Seeded, so that every run feeds the same bodies.
const random = mulberry32(0x5eed);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;

const WEIRD_SCALARS: readonly unknown[] = [
  null, true, false, 0, -0, -1, 1.5, 255, 256, -129, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 53), 1e308, 3.5e38,
  JSON.parse('1e309'), JSON.parse('-1e309'), '', '1', '-1', '9223372036854775808', '18446744073709551616', 'abc',
  '🙂', '\u0000', '\ud800', 'ввод', [], {}, [[]], { name: 'x' }, '__proto__',
];

function weird(): unknown {
  return pick(WEIRD_SCALARS);
}

function deepArray(depth: number, leaf: unknown): unknown {
  let value: unknown = leaf;
  for (let d = 0; d < depth; d++) value = [value];
  return value;
}

function validInput(): Record<string, unknown> {
  const datatype = pick(['FP32', 'FP64', 'INT32', 'INT64', 'UINT8', 'BOOL', 'BYTES', 'UINT64', 'INT8']);
  const shape = Array.from({ length: int(4) }, () => int(4));
  const count = shape.reduce((a, b) => a * b, 1);
  const element = (): unknown => (datatype === 'BOOL' ? random() < 0.5 : datatype === 'BYTES' ? String(int(100)) : int(100));
  return { name: `in${int(1000)}`, datatype, shape, data: Array.from({ length: count }, element) };
}

function hasInputs(body: unknown): body is Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return false;
  const { inputs } = body as Record<string, unknown>;
  return Array.isArray(inputs) && inputs.length > 0 && inputs.every((i) => typeof i === 'object' && i !== null);
}

/** One random change somewhere in a valid body: a wrong type, a bad dimension, a ragged or deep nesting… */
function mutate(body: Record<string, unknown>): unknown {
  const inputs = body.inputs as Record<string, unknown>[];
  const target = pick(inputs);
  switch (int(16)) {
    case 0: return weird();
    case 1: return { ...body, inputs: weird() };
    case 2: return { ...body, id: weird() };
    case 3: return { ...body, parameters: random() < 0.5 ? weird() : { k: weird() } };
    case 4: return { ...body, outputs: random() < 0.5 ? weird() : [{ name: weird(), parameters: weird() }] };
    case 5: target.name = weird(); return body;
    case 6: target.datatype = random() < 0.7 ? pick(DATATYPES) : weird(); return body;
    case 7: target.shape = Array.from({ length: int(5) }, () => (random() < 0.5 ? weird() : int(5))); return body;
    case 8: target.shape = [pick([-1, 1.5, 2 ** 53, 1e20, 2 ** 40, 9007199254740991]), int(3)]; return body;
    case 9: delete target[pick(['name', 'datatype', 'shape', 'data'])]; return body;
    case 10: {
      const { data } = target;
      if (Array.isArray(data) && data.length > 0) data[int(data.length)] = weird();
      return body;
    }
    case 11: target.data = deepArray(1 + int(random() < 0.1 ? 50_000 : 10), weird()); return body;
    case 12: target.data = Array.from({ length: int(4) }, () => Array.from({ length: int(4) }, () => int(9))); return body;
    case 13: inputs.push({ ...target }); return body;
    case 14: target.parameters = random() < 0.5 ? weird() : { [String(weird())]: weird() }; return body;
    default: target.data = weird(); return body;
  }
}

describe('decodeInferRequest on generated malformed bodies', () => {
  it('either decodes or throws a ProtocolError, never anything else (4000 seeded mutations)', () => {
    const outcomes = new Map<string, number>();
    for (let n = 0; n < 4000; n++) {
      const body: Record<string, unknown> = { inputs: Array.from({ length: 1 + int(3) }, validInput) };
      let mutated: unknown = body;
      for (let m = 1 + int(3); m > 0 && hasInputs(mutated); m--) mutated = mutate(mutated);
      let outcome = 'decoded';
      try {
        decodeInferRequest(mutated, { maxElements: 10_000 });
      } catch (error) {
        if (!(error instanceof ProtocolError)) {
          assert.fail(`body #${n} threw ${String(error)}: ${JSON.stringify(mutated)?.slice(0, 500)}`);
        }
        outcome = error.kind;
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    // The generator must reach every kind, or it tests less than it claims.
    for (const kind of ['decoded', 'invalid_request', 'invalid_shape', 'invalid_data', 'data_length_mismatch',
      'unsupported_datatype', 'invalid_parameter', 'duplicate_input']) {
      assert.ok((outcomes.get(kind) ?? 0) > 0, `no body ended as ${kind}: ${JSON.stringify([...outcomes])}`);
    }
  });
});
