import { z } from 'zod';

const HTTP_SERVER = /^https?:\/\/[^\s/]+\/?$/;
const GRPC_SERVER = /^(grpc:\/\/)?[A-Za-z0-9.-]+:\d{1,5}$|^(grpc:\/\/)?\[[0-9a-fA-F:]+\]:\d{1,5}$/;

/**
 * model.yaml `kserve:` of a `backend: kserve` model: the Open Inference Protocol servers (Triton,
 * KServe, another umbral) that serve it, how to reach them, and its name there.
 */
export const kserveDescriptorSchema = z.object({
  /** http: REST with JSON (undici, keep-alive); grpc: inference.GRPCInferenceService with raw tensors. */
  protocol: z.enum(['http', 'grpc']).default('http'),
  /** `http(s)://host:port` for http; `host:port` (or `grpc://host:port`) for grpc. */
  servers: z.array(z.string().min(1)).min(1).max(64),
  /** The model's name on the servers; default: its name in umbral. */
  model: z.string().min(1).optional(),
  /** The version to call there; default: the servers' own default. */
  version: z.string().regex(/^\d+$/, 'use a version number').optional(),
  /** Headers sent with every call (an API gateway's key in front of the servers). */
  headers: z.record(z.string(), z.string()).default({}),
}).strict().superRefine((descriptor, context) => {
  descriptor.servers.forEach((server, i) => {
    const problem = serverAddressProblem(descriptor.protocol, server);
    if (problem) context.addIssue({ code: 'custom', path: ['servers', i], message: problem });
  });
});

/** Why `server` is not an address of the protocol's form, or undefined when it is. */
export function serverAddressProblem(protocol: 'http' | 'grpc', server: string): string | undefined {
  if (protocol === 'http') return HTTP_SERVER.test(server) ? undefined : `'${server}': use http(s)://host:port`;
  return GRPC_SERVER.test(server) ? undefined : `'${server}': use host:port`;
}

export type KserveDescriptor = z.output<typeof kserveDescriptorSchema>;
