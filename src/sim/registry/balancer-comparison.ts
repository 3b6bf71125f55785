import { reportPassed, type BalancerRun, type SimReport } from "../report.js";
import { BALANCER_NAMES, replicatedServices, type ReplicaLayout } from "../replicas.js";
import type { CheckoutRunOptions, CheckoutRunResult } from "../checkout-run.js";
import { CHECKOUT_DEFINITIONS } from "../../core/system/services.js";

/**
 * Runs the same seed, plan and replicas once per balancer (every replicated
 * service on that strategy) and sums each run up: order latency, the busiest
 * path to a replicated service, and how calls spread over replicas.
 * `run` is {@link runCheckout} (passed in, so this module does not import it back).
 */
export async function compareBalancers(
  run: (options: CheckoutRunOptions) => Promise<CheckoutRunResult>,
  options: CheckoutRunOptions,
  replicas: ReplicaLayout,
): Promise<BalancerRun[]> {
  const prefixes = replicatedServices(replicas).map((service) => `/${CHECKOUT_DEFINITIONS[service].fullName}/`);
  const runs: BalancerRun[] = [];
  for (const balancer of BALANCER_NAMES) {
    const { report } = await run({ ...options, replicas, balancer: { default: balancer }, keepTrace: false });
    const [stepPath, step] = busiestStep(report, prefixes);
    runs.push({
      balancer,
      latencyMs: report.latencyMs,
      stepPath,
      stepMs: { p50: step.p50, p90: step.p90, p99: step.p99, max: step.max },
      replicaCalls: report.replicaCalls ?? {},
      invariantsHold: reportPassed({ ...report, wallMs: 0 }),
      traceHash: report.traceHash,
    });
  }
  return runs;
}

function busiestStep(report: Omit<SimReport, "wallMs">, prefixes: readonly string[]) {
  const steps = Object.entries(report.stepLatencyMs).filter(([path]) => prefixes.some((prefix) => path.startsWith(prefix)));
  const busiest = steps.sort((a, b) => b[1].calls - a[1].calls)[0];
  return busiest ?? (["", { p50: 0, p90: 0, p99: 0, max: 0 }] as const);
}
