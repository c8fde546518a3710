import type { ChildPlan, ChildReply } from './messages.js';

type PlanOf<K extends ChildPlan['kind']> = Extract<ChildPlan, { kind: K }>;

/**
 * Entry of a bench child process: waits for its plan from the orchestrator, runs it and sends the
 * reply. With `exitAfterReply` the child then leaves (one-shot jobs); otherwise it keeps running
 * until it is killed (servers). A child whose parent goes away leaves too, so none is orphaned.
 */
export function childEntry<K extends ChildPlan['kind']>(
  kind: K,
  handle: (plan: PlanOf<K>) => Promise<ChildReply>,
  exitAfterReply = true,
): void {
  if (!process.send) throw new Error(`bench child '${kind}' must be started by the orchestrator (fork with IPC)`);
  process.on('disconnect', () => process.exit(0));
  process.once('message', (message: ChildPlan) => {
    const job = message.kind === kind
      ? handle(message as PlanOf<K>)
      : Promise.reject(new Error(`expected a '${kind}' plan, got '${message.kind}'`));
    job.catch((error: unknown): ChildReply => ({ kind: 'failure', message: error instanceof Error ? error.stack ?? error.message : String(error) }))
      .then((reply) => {
        process.send?.(reply, undefined, undefined, () => {
          if (exitAfterReply || reply.kind === 'failure') process.exit(0);
        });
      });
  });
}
