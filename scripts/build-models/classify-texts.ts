import * as ort from 'onnxruntime-node';

/** Texts per run: the Tokenizer pads every row to the longest message, so large batches waste memory. */
const BATCH_SIZE = 16;

/** Spam probabilities (column 1 of `probabilities`) that the built ONNX model gives, run by onnxruntime. */
export async function classifyTexts(model: Uint8Array, texts: readonly string[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  try {
    const spam = new Float32Array(texts.length);
    for (let start = 0; start < texts.length; start += BATCH_SIZE) {
      const batch = texts.slice(start, start + BATCH_SIZE);
      const result = await session.run({ text: new ort.Tensor('string', [...batch], [batch.length]) });
      const probabilities = result['probabilities']?.data;
      if (!(probabilities instanceof Float32Array)) throw new Error('model gave no FP32 probabilities');
      batch.forEach((_, row) => { spam[start + row] = probabilities[2 * row + 1] as number; });
    }
    return spam;
  } finally {
    await session.release();
  }
}
