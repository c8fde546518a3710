/** The settings of a running umbral that the bench's baselines have to match. */
export interface ServerSettings {
  readonly onnxWorkers: number;
  readonly intraOpThreads: number;
  readonly logLevel: string;
}

/** Reads them from GET /info (its `config`, keyed by dotted setting path). */
export async function readServerSettings(origin: string): Promise<ServerSettings> {
  const answer = await fetch(new URL('/info', origin));
  if (answer.status !== 200) throw new Error(`GET /info answered ${answer.status}`);
  const { config } = (await answer.json()) as { config?: Record<string, unknown> };
  const number = (key: string) => {
    const value = config?.[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new Error(`GET /info: config['${key}'] is ${String(value)}`);
    return value;
  };
  return { onnxWorkers: number('onnx.workers'), intraOpThreads: number('onnx.intraOpThreads'), logLevel: String(config?.['log.level']) };
}
