import { z } from 'zod';

/** One configuration setting: where it comes from, how it is checked, what it means. */
export interface Setting<T> {
  readonly env: string;
  readonly schema: z.ZodType<T>;
  readonly default: T;
  readonly doc: string;
  /** Hidden from /info (a secret). */
  readonly secret: boolean;
}

export function setting<T>(env: string, schema: z.ZodType<T>, defaultValue: T, doc: string, secret = false): Setting<T> {
  return { env, schema, default: defaultValue, doc, secret };
}

export function isSetting(value: unknown): value is Setting<unknown> {
  return typeof value === 'object' && value !== null && 'env' in value && 'schema' in value;
}

/** A tree of settings; the config's shape follows it. */
export interface SettingsTree {
  readonly [key: string]: Setting<unknown> | SettingsTree;
}

/** The value type of a settings tree: each Setting<T> leaf becomes T. */
export type ConfigOf<S> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : ConfigOf<S[K]>;
};

/** Every leaf of a tree with its dotted key (`server.port`), in declaration order. */
export function flattenSettings(tree: SettingsTree, prefix = ''): Array<[string, Setting<unknown>]> {
  return Object.entries(tree).flatMap(([key, node]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isSetting(node) ? [[path, node] as [string, Setting<unknown>]] : flattenSettings(node, path);
  });
}
