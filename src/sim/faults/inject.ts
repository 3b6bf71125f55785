import type { LinkFaults as Link } from "../../transports/middleware/link-faults.js";
import type { FaultableNode, FaultSurface } from "./surface.js";
import type { Fault, FaultPlan } from "./plan.js";

/**
 * Schedules every fault of the plan on the surface's clock (the simulator's
 * scheduler, or the wall clock over real transports): each starts at
 * `at` and heals at its end, and both moments go into the trace. Partitions
 * count, crashes and pauses of a node nest, and link overrides stack, so
 * overlapping faults heal correctly.
 */
export function scheduleFaults(network: FaultSurface, plan: FaultPlan): void {
  const clogs = new Map<Link, number>();
  const clog = (link: Link, delta: number) => {
    const count = (clogs.get(link) ?? 0) + delta;
    clogs.set(link, count);
    link.clogged = count > 0;
  };
  // Overlapping crashes (or pauses) of one node nest: it is down until the last one ends.
  const crashes = new Map<FaultableNode, number>();
  const pauses = new Map<FaultableNode, number>();
  const hold = (held: Map<FaultableNode, number>, node: FaultableNode, delta: number) => {
    const count = (held.get(node) ?? 0) + delta;
    held.set(node, count);
    return count;
  };
  // Plan times count from when the plan is scheduled (the start of the run).
  const start = network.clock.now();
  const at = (ms: number, fn: () => void) => network.clock.setTimer(start + ms - network.clock.now(), fn);
  const links = (from: string, to: string, twoWay = false): Link[] => {
    const names = network.nodes.map((n) => n.name);
    const pairs: [string, string][] = [];
    for (const a of from === "*" ? names : [from]) {
      for (const b of to === "*" ? names : [to]) {
        if (a === b) continue;
        pairs.push([a, b]);
        if (twoWay) pairs.push([b, a]);
      }
    }
    return pairs.map(([a, b]) => network.link(a, b));
  };
  // Overrides of one link field stack: the newest active one wins, and when the
  // last heals the link gets back the value it had before the first began.
  type Field = "latency" | "drop" | "replyDrop" | "duplicate";
  const overrides = new Map<Link, Map<Field, { base: unknown; active: { value: unknown }[] }>>();
  const pushOverride = (link: Link, key: Field, entry: { value: unknown }) => {
    const fields = overrides.get(link) ?? new Map();
    overrides.set(link, fields);
    const stack = fields.get(key) ?? { base: link[key], active: [] };
    fields.set(key, stack);
    stack.active.push(entry);
    (link as Record<Field, unknown>)[key] = entry.value;
  };
  const popOverride = (link: Link, key: Field, entry: { value: unknown }) => {
    const fields = overrides.get(link)!;
    const stack = fields.get(key)!;
    stack.active.splice(stack.active.indexOf(entry), 1);
    (link as Record<Field, unknown>)[key] = stack.active.length > 0 ? stack.active.at(-1)!.value : stack.base;
    if (stack.active.length === 0) fields.delete(key);
  };
  /** Sets a link field for the fault's duration, on top of any other override of that field. */
  const overrideLinks = <K extends Field>(fault: Fault & { from: string; to: string; duration: number }, key: K, value: Link[K]) => {
    at(fault.at, () => {
      const entry = { value };
      const affected = links(fault.from, fault.to);
      for (const link of affected) pushOverride(link, key, entry);
      at(fault.at + fault.duration, () => {
        for (const link of affected) popOverride(link, key, entry);
        network.record({ ev: "heal", fault: fault.kind, from: fault.from, to: fault.to });
      });
    });
  };

  plan.faults.forEach((fault, index) => {
    at(fault.at, () => network.record({ ev: "fault", index, ...fault }));
    switch (fault.kind) {
      case "crash": {
        const node = network.node(fault.target);
        at(fault.at, () => {
          if (hold(crashes, node, +1) === 1) node.crash();
        });
        at(fault.at + fault.restartAfter, () => {
          if (hold(crashes, node, -1) > 0) return;
          node.restart();
          network.record({ ev: "heal", fault: "crash", target: fault.target });
        });
        return;
      }
      case "pause": {
        const node = network.node(fault.target);
        at(fault.at, () => {
          if (hold(pauses, node, +1) === 1) node.pause();
        });
        at(fault.at + fault.duration, () => {
          if (hold(pauses, node, -1) > 0) return;
          network.record({ ev: "heal", fault: "pause", target: fault.target });
          node.resume();
        });
        return;
      }
      case "slow": {
        const node = network.node(fault.target);
        at(fault.at, () => (node.slowMs += fault.extraMs));
        at(fault.at + fault.duration, () => (node.slowMs -= fault.extraMs));
        return;
      }
      case "clock-skew": {
        const node = network.node(fault.target);
        at(fault.at, () => (node.offsetMs += fault.offsetMs));
        at(fault.at + fault.duration, () => (node.offsetMs -= fault.offsetMs));
        return;
      }
      case "partition": {
        const affected = () => links(fault.from, fault.to, fault.twoWay);
        at(fault.at, () => affected().forEach((link) => clog(link, +1)));
        at(fault.at + fault.duration, () => {
          affected().forEach((link) => clog(link, -1));
          network.record({ ev: "heal", fault: "partition", from: fault.from, to: fault.to });
        });
        return;
      }
      case "swizzle": {
        // Clog each target's links one by one, hold, then heal in reverse order.
        const n = fault.targets.length;
        fault.targets.forEach((target, i) => {
          const affected = () => links(target, "*", true);
          at(fault.at + i * fault.stepMs, () => affected().forEach((link) => clog(link, +1)));
          at(fault.at + n * fault.stepMs + fault.holdMs + (n - 1 - i) * fault.stepMs, () => {
            affected().forEach((link) => clog(link, -1));
            network.record({ ev: "heal", fault: "swizzle", target });
          });
        });
        return;
      }
      case "latency":
        return overrideLinks(fault, "latency", fault.distribution);
      case "drop":
        return overrideLinks(fault, "drop", fault.probability);
      case "reply-drop":
        return overrideLinks(fault, "replyDrop", fault.probability);
      case "duplicate":
        return overrideLinks(fault, "duplicate", fault.probability);
    }
  });
}
