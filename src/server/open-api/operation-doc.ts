/** A JSON Schema (OpenAPI 3.0 dialect) as the document carries it. */
export type Schema = Readonly<Record<string, unknown>>;

/** The document's tags: one per API a client would read as a whole. */
export type Tag = 'kserve-v2' | 'openai' | 'admin-models' | 'admin-serving' | 'admin-access' | 'admin-jobs' | 'admin-notifications' | 'auth' | 'operations';

/** Which error body a route renders: the catalogue's `{error, code}`, or OpenAI's `{error: {message, type, param, code}}`. */
export type ErrorShape = 'umbral' | 'openai';

/** Bodies by media type (`application/json`, `text/event-stream`, …). */
export type Content = Readonly<Record<string, { readonly schema: Schema; readonly example?: unknown }>>;

export interface HeaderDoc {
  readonly description: string;
  readonly schema: Schema;
}

/** One success answer of a route. */
export interface ResponseDoc {
  readonly description: string;
  /** Absent: no body (204, 202 without one). */
  readonly content?: Content;
  readonly headers?: Readonly<Record<string, HeaderDoc>>;
}

export interface BodyDoc {
  readonly content: Content;
  /** Default true; false where no body (or `{}`) means something (logout, cache clear). */
  readonly required?: boolean;
  readonly description?: string;
}

/**
 * What the OpenAPI document says of one route, beside what the route's own schemas (params, query,
 * validated bodies) already say. It documents; it never validates or serialises.
 */
export interface OperationDoc {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: Tag;
  /** The request body, where the route parses its own (no fastify body schema): it replaces the route's. */
  readonly body?: BodyDoc;
  /** Request headers the route reads, beyond credentials. */
  readonly headers?: Readonly<Record<string, HeaderDoc>>;
  /** Success answers by status. */
  readonly responses: Readonly<Record<number, ResponseDoc>>;
  /**
   * Errors the route itself can give, by status, with when. Those of access control (401, 403, 429,
   * 503) and of the URL check (400) are added from the route's `config.access`.
   */
  readonly errors: Readonly<Record<number, string>>;
  /** Default 'umbral'. */
  readonly errorShape?: ErrorShape;
}

/** `#/components/schemas/<name>`. */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** A JSON body of the named component schema (or an inline schema). */
export const json = (schema: string | Schema): Content => ({ 'application/json': { schema: typeof schema === 'string' ? ref(schema) : schema } });

/** A JSON answer. */
export const ok = (description: string, schema: string | Schema): ResponseDoc => ({ description, content: json(schema) });

/** An object schema whose listed properties are all required. */
export function object(properties: Readonly<Record<string, Schema>>, optional: readonly string[] = []): Schema {
  const required = Object.keys(properties).filter((name) => !optional.includes(name));
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

export const string: Schema = { type: 'string' };
export const integer: Schema = { type: 'integer' };
export const number: Schema = { type: 'number' };
export const boolean: Schema = { type: 'boolean' };
export const dateTime: Schema = { type: 'string', format: 'date-time' };
export const nullable = (schema: Schema): Schema => ({ ...schema, nullable: true });
export const arrayOf = (items: string | Schema): Schema => ({ type: 'array', items: typeof items === 'string' ? ref(items) : items });
export const mapOf = (values: string | Schema): Schema => ({ type: 'object', additionalProperties: typeof values === 'string' ? ref(values) : values });
/** Any JSON object: fields umbral passes through untouched. */
export const anyObject: Schema = { type: 'object', additionalProperties: true };
