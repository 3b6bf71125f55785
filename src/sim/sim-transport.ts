import type { CallContext, CallRequest, CallResponse, Transport } from "../transports/call.js";
import { openCallScope, raceAbort } from "../transports/call-scope.js";
import { Code, codeName } from "../transports/codes.js";
import { unknownMethodError } from "../transports/router.js";
import { errorForCaller, RpcError } from "../transports/rpc-error.js";
import type { SimNetwork } from "./network/sim-network.js";

type Outcome = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly code: Code; readonly message: string };

/**
 * A client transport from node `from` to node `to` over the simulated network.
 * The request and the reply travel as bytes (the real codec), each as one
 * message on a link; the caller's deadline and cancellation are its own, as
 * over a real network, and the callee gets the remaining time with the request.
 * Unary calls only: a stream method answers UNIMPLEMENTED.
 */
export function createSimTransport(
  network: SimNetwork,
  from: string,
  to: string,
  options: { readonly observe?: (path: string, ms: number, code: Code) => void } = {},
): Transport {
  return {
    call(request: CallRequest): Promise<CallResponse> {
      const { method, path } = request;
      const caller = network.node(from);
      if (method.responseStream) return Promise.reject(new RpcError(Code.UNIMPLEMENTED, `${path}: streams are not simulated yet`));
      const epoch = caller.epoch;
      const sentAt = network.scheduler.now();
      const callId = network.nextCallId();
      const bytes = method.requestType.encode(request.message as never).finish();
      const timeoutMs = request.deadline === undefined ? undefined : request.deadline - caller.clock.now();

      return new Promise<CallResponse>((resolve, reject) => {
        const scope = openCallScope(caller.clock, request);
        let settled = false;
        let cancelOnServer: (() => void) | undefined;
        // Settles once; never after the caller crashed (its continuation died with it).
        const settle = (outcome: Outcome) => {
          if (settled || caller.epoch !== epoch) return;
          settled = true;
          scope.close();
          options.observe?.(path, network.scheduler.now() - sentAt, outcome.ok ? Code.OK : outcome.code);
          scope.signal.removeEventListener("abort", onAbort);
          if (outcome.ok) resolve({ stream: false, message: method.responseType.decode(outcome.bytes) });
          else reject(new RpcError(outcome.code, outcome.message));
        };
        const onAbort = () => {
          const reason = RpcError.from(scope.signal.reason);
          settle({ ok: false, code: reason.code, message: reason.message });
          network.send(from, to, { kind: "cancel", callId, path }, () => cancelOnServer?.());
        };
        scope.signal.addEventListener("abort", onAbort, { once: true });
        if (scope.signal.aborted) return onAbort();

        const reply = (outcome: Outcome) =>
          network.send(to, from, { kind: "reply", callId, path }, () => {
            if (!outcome.ok) network.record({ ev: "error", callId, path, code: codeName(outcome.code) });
            settle(outcome);
          });

        network.record({ ev: "call", callId, from, to, path });
        network.send(from, to, { kind: "request", callId, path }, () => {
          const callee = network.node(to);
          if (!callee.up) return reply({ ok: false, code: Code.UNAVAILABLE, message: `${to} is down (connection refused)` });
          const calleeEpoch = callee.epoch;
          const handle = () => {
            if (callee.epoch !== calleeEpoch) return;
            const handler = callee.router.lookup(path);
            if (!handler || handler.kind !== "unary") {
              const error = unknownMethodError(path);
              return reply({ ok: false, code: error.code, message: error.message });
            }
            callee.handled++;
            const cancel = new AbortController();
            cancelOnServer = () => cancel.abort(new RpcError(Code.CANCELLED, "call cancelled by the caller"));
            const deadline = timeoutMs === undefined ? undefined : callee.clock.now() + timeoutMs;
            const serverScope = openCallScope(callee.clock, { signal: cancel.signal, deadline });
            const context: CallContext = { path, signal: serverScope.signal, deadline, metadata: request.metadata };
            let message: unknown;
            try {
              message = method.requestType.decode(bytes);
            } catch (error) {
              serverScope.close();
              return reply({ ok: false, code: Code.INVALID_ARGUMENT, message: `malformed request: ${(error as Error).message}` });
            }
            raceAbort(handler.invoke(message, context), serverScope.signal).then(
              (result) => {
                serverScope.close();
                // A reply from a crashed instance is never sent: the process died before it could.
                if (callee.epoch === calleeEpoch) reply({ ok: true, bytes: method.responseType.encode(result as never).finish() });
              },
              (error) => {
                serverScope.close();
                const rpc = errorForCaller(error);
                if (callee.epoch === calleeEpoch) reply({ ok: false, code: rpc.code, message: rpc.message });
              },
            );
          };
          if (callee.slowMs > 0) callee.clock.setTimer(callee.slowMs, handle);
          else handle();
        });
      });
    },
  };
}
