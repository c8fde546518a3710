import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDatatype } from '../../../src/protocol/kserve/datatypes.js';
import type { Tensor } from '../../../src/protocol/tensor.js';
import type { Backend, BackendInferRequest, LoadedModel, LoadRequest } from '../../../src/backends/backend.js';

/** One request of the contract suite and the outputs it must produce. */
export interface ContractSample {
  /** A request that names no outputs (so every output is returned). */
  readonly request: BackendInferRequest;
  /** Every output of the model for this request, in any order. */
  readonly expected: readonly Tensor[];
}

/** What a backend brings to the contract suite. */
export interface ContractFixture {
  /** A fresh backend; the suite closes it in its last test. */
  readonly backend: Backend;
  /** A model version that loads and answers the samples. */
  readonly valid: LoadRequest;
  /** An artifact the backend must refuse to load. */
  readonly broken: LoadRequest;
  /** The i-th sample; different `i` give different answers, so that mixed-up replies show. */
  sample(i: number): ContractSample;
  /** Asserts that an output matches; default: name, datatype, shape and values (floats within 1e-5). */
  readonly check?: (actual: Tensor, expected: Tensor) => void;
  /** Frees what the fixture made (files, fake servers); runs after the suite. */
  cleanup?(): Promise<void>;
}

/** Declares the suite every backend passes, run with that backend's fixture. */
export function backendContract(name: string, fixture: () => Promise<ContractFixture>): void {
  describe(`backend contract: ${name}`, () => {
    let f: ContractFixture;
    let model: LoadedModel;
    const never = new AbortController().signal;
    const check = (actual: readonly Tensor[], expected: readonly Tensor[]) => {
      assert.deepEqual(actual.map((t) => t.name).sort(), expected.map((t) => t.name).sort());
      for (const want of expected) (f.check ?? checkTensor)(actual.find((t) => t.name === want.name) as Tensor, want);
    };

    before(async () => {
      f = await fixture();
      model = await f.backend.load(f.valid);
    });
    after(async () => f?.cleanup?.());

    it('loads a signature with named inputs and outputs, datatypes and shapes', () => {
      const { signature } = model;
      assert.ok(signature.platform.length > 0);
      assert.ok(Number.isInteger(model.concurrency) && model.concurrency >= 1);
      for (const specs of [signature.inputs, signature.outputs]) {
        assert.ok(specs.length > 0);
        for (const spec of specs) {
          assert.ok(spec.name.length > 0);
          assert.ok(isDatatype(spec.datatype), `${spec.name}: ${spec.datatype}`);
          assert.ok(spec.shape.every((d) => Number.isInteger(d) && d >= -1), `${spec.name}: [${spec.shape.join(',')}]`);
        }
      }
      const sample = f.sample(0);
      for (const input of sample.request.inputs) assert.ok(signature.inputs.some((s) => s.name === input.name));
      for (const output of sample.expected) assert.ok(signature.outputs.some((s) => s.name === output.name));
    });

    it('returns every output when none is requested', async () => {
      const sample = f.sample(0);
      check((await model.infer(sample.request, never)).outputs, sample.expected);
    });

    it('returns exactly the requested outputs', async () => {
      const sample = f.sample(1);
      for (const want of sample.expected) {
        const response = await model.infer({ ...sample.request, outputs: [want.name] }, never);
        check(response.outputs, [want]);
      }
    });

    it('answers 20 concurrent requests each with its own result', async () => {
      const samples = Array.from({ length: 20 }, (_, i) => f.sample(i));
      const responses = await Promise.all(samples.map((s) => model.infer(s.request, never)));
      responses.forEach((response, i) => check(response.outputs, samples[i]?.expected ?? []));
    });

    it('rejects with the reason of an already aborted signal', async () => {
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      controller.abort(reason);
      await assert.rejects(model.infer(f.sample(0).request, controller.signal), (error) => error === reason);
    });

    it('refuses a broken artifact with UMBRAL_ERR_MODEL_LOAD_FAILED and keeps serving', async () => {
      await assert.rejects(f.backend.load(f.broken), (error: { code?: string; message?: string }) => {
        assert.equal(error.code, 'UMBRAL_ERR_MODEL_LOAD_FAILED');
        assert.ok((error.message ?? '').length > 0);
        return true;
      });
      const sample = f.sample(2);
      check((await model.infer(sample.request, never)).outputs, sample.expected);
    });

    it('loads again after a release', async () => {
      await model.release();
      const again = await f.backend.load(f.valid);
      const sample = f.sample(3);
      check((await again.infer(sample.request, never)).outputs, sample.expected);
      await again.release();
    });

    it('closes', async () => {
      await f.backend.close();
    });
  });
}

/** Default output check: floats within 1e-5 (relative above 1), everything else exactly. */
export function checkTensor(actual: Tensor | undefined, expected: Tensor): void {
  assert.ok(actual, `output '${expected.name}' is missing`);
  assert.equal(actual.datatype, expected.datatype, `${expected.name}: datatype`);
  assert.deepEqual([...actual.shape], [...expected.shape], `${expected.name}: shape`);
  const got = Array.from(actual.data as ArrayLike<unknown>);
  const want = Array.from(expected.data as ArrayLike<unknown>);
  assert.equal(got.length, want.length, `${expected.name}: element count`);
  const approximate = expected.datatype === 'FP32' || expected.datatype === 'FP64';
  want.forEach((value, i) => {
    const close = approximate && typeof value === 'number' && Math.abs(Number(got[i]) - value) <= 1e-5 * Math.max(1, Math.abs(value));
    if (!close) assert.deepEqual(got[i], value, `${expected.name}[${i}]`);
  });
}
