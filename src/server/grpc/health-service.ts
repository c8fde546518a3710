import { join } from 'node:path';
import type { ServerWritableStream, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Errors } from '../../errors/catalogue.js';
import { PACKAGE_ROOT } from '../../paths.js';
import type { Readiness } from '../readiness.js';
import { unary, type UnaryOptions } from './unary-rpc.js';

/** The standard health service (`grpc.health.v1.Health`), shipped in the package's `proto/` folder. */
export const HEALTH_PROTO = join(PACKAGE_ROOT, 'proto', 'health.proto');

type ServingStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

interface HealthRequest { service?: string }
interface HealthResponse { status: ServingStatus }

/** The health service and the way to end its Watch streams (a server that stops must not wait for them). */
export interface HealthService {
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
  /** Ends every Watch stream, after its last status. */
  close(): void;
}

/**
 * `grpc.health.v1.Health` over umbral's readiness: "" is the server (`/health/ready`), a model's
 * name that model; Watch sends the status, then each change as readiness tells of it (events, no
 * polling). Public: probes carry no credential.
 */
export function healthService(readiness: Pick<Readiness, 'ready' | 'modelReady' | 'onChange' | 'report'>, options: UnaryOptions): HealthService {
  const definition = loadSync(HEALTH_PROTO, { keepCase: true, enums: String, defaults: true })['grpc.health.v1.Health'] as ServiceDefinition;
  const watches = new Set<() => void>();

  const statusOf = (service: string): ServingStatus => {
    const ready = service === '' ? readiness.ready() : readiness.modelReady(service);
    return ready === undefined ? 'SERVICE_UNKNOWN' : ready ? 'SERVING' : 'NOT_SERVING';
  };

  function watch(call: ServerWritableStream<HealthRequest, HealthResponse>): void {
    const service = call.request.service ?? '';
    let sent: ServingStatus | undefined;
    const send = () => {
      const status = statusOf(service);
      if (status !== sent) call.write({ status: (sent = status) });
    };
    const stop = readiness.onChange(send);
    const end = () => {
      stop();
      watches.delete(end);
    };
    const finish = () => {
      end();
      call.end();
    };
    watches.add(finish);
    call.on('cancelled', end);
    call.on('close', end);
    send();
  }

  const implementation: UntypedServiceImplementation = {
    Check: unary<HealthRequest, HealthResponse>('Health.Check', {
      access: 'public',
      async handle(request) {
        const service = request.service ?? '';
        const status = statusOf(service);
        if (status === 'SERVICE_UNKNOWN') throw Errors.modelNotFound(service);
        return { status };
      },
    }, options),
    Watch: watch,
    List: unary<Record<string, never>, { statuses: Record<string, HealthResponse> }>('Health.List', {
      access: 'public',
      async handle() {
        const services = ['', ...Object.keys(readiness.report().models)];
        return { statuses: Object.fromEntries(services.map((service) => [service, { status: statusOf(service) }])) };
      },
    }, options),
  };

  return { definition, implementation, close: () => [...watches].forEach((finish) => finish()) };
}
