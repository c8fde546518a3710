import { SETTINGS, type Config } from './schema.js';
import { flattenSettings } from './setting.js';

/** The effective configuration with every secret setting replaced, for /info and the start-up log. */
export function redactConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of flattenSettings(SETTINGS)) {
    const value = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], config);
    out[key] = spec.secret ? '[redacted]' : value;
  }
  return out;
}
