import type { Logger } from 'pino';

/** A shutdown still running after this is stuck: give up before the container runtime's SIGKILL. */
export const SHUTDOWN_DEADLINE_MS = 8_000;

/**
 * Listens for SIGINT and SIGTERM from now on: the first one resolves `requested` and starts the
 * deadline (Docker sends SIGKILL 10 s after SIGTERM; the process exits on its own first, saying
 * why). A SIGTERM while the service is still starting shuts it down cleanly too.
 */
export function listenForStop(log: Logger): { readonly requested: Promise<NodeJS.Signals>; stopping(): boolean } {
  let stopping = false;
  const requested = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      setTimeout(() => {
        log.error({ deadline_ms: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting');
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return { requested, stopping: () => stopping };
}
