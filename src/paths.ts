import { fileURLToPath } from 'node:url';

/** The package's root directory (compiled files live two levels down, in <root>/dist/src). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The bundled example models. */
export const BUNDLED_MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));
