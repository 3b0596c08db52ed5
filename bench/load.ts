/**
 * The HTTP load for the scan benchmark, run by bench/scans.ts in a process of its own so the
 * load tool does not share the server's event loop: autocannon with a number of connections
 * for a number of seconds, each request a new scan (fresh scanId, a (card, activity, London
 * day) combination not used before). The parent sends one phase at a time over the IPC
 * channel, so it can measure other things (the floor) between phases without a new process.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { comboScanner, type ComboSpace } from './combos';
import { summarise, type Summary } from './stats';

export interface LoadPhase {
  name: string;
  connections: number;
  seconds: number;
}

export interface LoadTarget {
  url: string;
  token: string;
  space: ComboSpace;
}

export interface PhaseResult extends LoadPhase {
  /** Seconds autocannon actually ran. */
  duration: number;
  /** Mean of autocannon's per-second samples of completed requests. */
  requestsPerSecond: number;
  responses: number;
  /** Responses by HTTP status (201 accepted, 200 duplicate, 422 rejected, anything else unexpected). */
  statusCounts: Record<string, number>;
  non2xx: number;
  /** Requests that got no response at all: connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** autocannon's own latency figures (its histogram keeps whole milliseconds). */
  autocannon: { p50: number; p99: number; mean: number; max: number };
  /** The same responses' latencies kept exactly (from autocannon's per-response timings). */
  latency: Summary;
  /** CPU time this load process spent (user + system), milliseconds. */
  loadToolCpuMs: number;
}

/** Parent → child. */
export type LoadRequest = { type: 'init'; target: LoadTarget } | { type: 'run'; phase: LoadPhase; startIndex: number };

/** Child → parent. */
export type LoadReply =
  | { type: 'ready' }
  | { type: 'done'; result: PhaseResult; times: number[]; used: number }
  | { type: 'failed'; message: string };

async function runPhase(target: LoadTarget, phase: LoadPhase, next: () => string) {
  const times: number[] = [];
  const cpu = process.cpuUsage();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        connections: phase.connections,
        duration: phase.seconds,
        timeout: 10,
        headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
        requests: [{ method: 'POST', path: '/v1/scans', setupRequest: (request) => ({ ...request, body: next() }) }],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      times.push(responseTime);
    });
  });
  const cpuUsed = process.cpuUsage(cpu);
  const statusCounts: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCounts[status] = count ?? 0;
  const summary: PhaseResult = {
    ...phase,
    duration: result.duration,
    requestsPerSecond: result.requests.average,
    responses: times.length,
    statusCounts,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    autocannon: { p50: result.latency.p50, p99: result.latency.p99, mean: result.latency.mean, max: result.latency.max },
    latency: summarise(times),
    loadToolCpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
  };
  return { summary, times };
}

function main() {
  const send = process.send?.bind(process);
  if (!send) throw new Error('bench/load.ts is started by bench/scans.ts, with an IPC channel');
  let target: LoadTarget | undefined;
  let scanFor: ReturnType<typeof comboScanner> | undefined;
  process.on('message', (message: LoadRequest) => {
    if (message.type === 'init') {
      target = message.target;
      scanFor = comboScanner(target.space, randomUUID);
      send({ type: 'ready' } satisfies LoadReply);
      return;
    }
    if (!target || !scanFor) {
      send({ type: 'failed', message: 'run before init' } satisfies LoadReply);
      return;
    }
    const scan = scanFor;
    let index = message.startIndex;
    const next = () => JSON.stringify(scan(index++));
    runPhase(target, message.phase, next).then(
      ({ summary, times }) => {
        console.error(
          `  ${summary.name}: ${summary.connections} connection(s), ${summary.responses} responses, ` +
            `${summary.requestsPerSecond.toFixed(0)} req/s, p50 ${summary.latency.p50.toFixed(1)} ms, statuses ${JSON.stringify(summary.statusCounts)}, errors ${summary.errors}`,
        );
        send({ type: 'done', result: summary, times, used: index - message.startIndex } satisfies LoadReply);
      },
      (error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies LoadReply),
    );
  });
  // The parent closing the channel is the signal to finish.
  process.on('disconnect', () => process.exit(0));
}

main();
