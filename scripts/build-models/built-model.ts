import type { z } from 'zod';
import type { modelConfigSchema } from '../../src/model/model-config.js';

/** What `model.yaml` may contain, before the schema fills in defaults. */
export type ModelConfigInput = z.input<typeof modelConfigSchema>;

/** One model ready to be written into a Triton-style repository. */
export interface BuiltModel {
  name: string;
  version: number;
  onnx: Uint8Array;
  config: ModelConfigInput;
}
