import type { CompensacaoRequest, CompensacaoResponse, Etapa, ResultadoCheckout } from "../gen/ecommerce/v1/common.js";
import type { CallContext } from "../transports/index.js";
import { invalidArgument } from "./errors.js";
import type { Ledger } from "./store/ledger.js";
import type { SqlStore } from "./store/sql-store.js";

/** What a service's own part of a forward step decided (new or recorded earlier). */
export interface LocalOutcome {
  readonly ok: boolean;
  readonly motivo?: string;
  readonly etapa: Etapa;
}

/** A forward step's own part as {@link ForwardStep.apply} decided it, and whether an earlier call had recorded it. */
export interface Applied extends LocalOutcome {
  readonly repeated: boolean;
}

/**
 * A service's forward step of the chain, made once per service instance (its
 * functions take the request rather than closing over it: under tsx each
 * closure made per call costs a defineProperty of its name). `A` is what
 * `apply` tells `next`, e.g. the invoice id Logistica needs.
 */
export interface ForwardStep<R extends { readonly pedidoId: number }, A extends Applied = Applied> {
  readonly operacao: string;
  readonly store: SqlStore;
  readonly ledger: Ledger;
  /** Applies this service's effect in one transaction, or returns the recorded outcome of an earlier call. */
  readonly apply: (request: R) => A;
  /** Calls the next service; absent at the tail of the chain. */
  readonly next?: (request: R, context: CallContext | undefined, applied: A) => Promise<ResultadoCheckout>;
  /** Undoes this service's effect after the rest of the chain refused; must be idempotent. */
  readonly undo: (request: R, motivo: string) => Etapa;
}

/**
 * One step of the synchronous chain for `request`: refuse if the order was
 * cancelled here, apply (at most once), call the next service, and undo our
 * own effect when the rest of the chain refuses. RPC errors from the next
 * service propagate untouched: the outcome is unknown and the caller retries.
 */
export async function runForwardStep<R extends { readonly pedidoId: number }, A extends Applied>(
  step: ForwardStep<R, A>,
  request: R,
  context?: CallContext,
): Promise<ResultadoCheckout> {
  const { store, ledger } = step;
  const { pedidoId } = request;
  let applied: A | undefined;
  const local = store.tx(() => {
    const cancelled = ledger.cancelledReason(pedidoId);
    if (cancelled !== undefined) {
      ledger.record({ pedidoId, operacao: step.operacao, resultado: "recusado", detalhe: `pedido cancelado: ${cancelled}` });
      return { ok: false, motivo: `pedido cancelado: ${cancelled}`, etapas: [] as Etapa[] };
    }
    const outcome = (applied = step.apply(request));
    ledger.record({
      pedidoId,
      operacao: step.operacao,
      resultado: outcome.repeated ? `repetido:${outcome.etapa.status}` : outcome.etapa.status,
      ...(outcome.motivo ? { detalhe: outcome.motivo } : {}),
    });
    return { ok: outcome.ok, motivo: outcome.motivo ?? "", etapas: [outcome.etapa] };
  });
  if (!local.ok || !step.next) return { pedidoId, ok: local.ok, motivo: local.motivo, etapas: local.etapas };

  const downstream = await step.next(request, context, applied!);
  if (downstream.ok) return { ...downstream, pedidoId, etapas: [...local.etapas, ...downstream.etapas] };

  const undone = store.tx(() => {
    const etapa = step.undo(request, downstream.motivo);
    ledger.record({ pedidoId, operacao: step.operacao, resultado: `desfeito:${etapa.status}`, detalhe: downstream.motivo });
    return etapa;
  });
  return { pedidoId, ok: false, motivo: downstream.motivo, etapas: [undone, ...downstream.etapas] };
}

/** The pieces of one compensation, as a service supplies them. */
export interface CompensationStep {
  readonly request: CompensacaoRequest;
  readonly operacao: string;
  readonly store: SqlStore;
  readonly ledger: Ledger;
  /** Asks the next service to compensate first, with `request`; absent at the tail. */
  readonly next?: (request: CompensacaoRequest) => Promise<CompensacaoResponse>;
  /** Whether this service holds an effect of the order (even one already undone). */
  readonly recorded: () => boolean;
  /** Undoes this service's effect if it has one; idempotent. Returns the step's etapa, or undefined if there was nothing. */
  readonly undo: () => Etapa | undefined;
}

/**
 * One compensation: record the tombstone first (so no late forward call can
 * apply here any more), let the rest of the chain undo its part, then undo ours.
 * It acts only on an order known to exist: the request says so (its token, or
 * "*"), or this service holds an effect of it, and then the rest of the chain
 * is told so ("*") since a forward call to it may still be on its way.
 * Otherwise it does nothing at all: Pedidos ids are a plain sequence, and a
 * compensation naming an order that does not exist yet must not cancel, or
 * undo effects of, the one that later gets that id.
 */
export async function runCompensation(step: CompensationStep): Promise<CompensacaoResponse> {
  const { request, store, ledger } = step;
  const { pedidoId, motivo } = request;
  requireToken(pedidoId, request.tokenPedido);
  if (request.tokenPedido === "" && !step.recorded()) {
    // No word that the order exists and nothing of it here, so nothing further down the chain either (each step
    // records its effect before calling the next): anything that appears later is a live, unfenced forward call's.
    ledger.record({ pedidoId, operacao: step.operacao, resultado: "nada a desfazer", detalhe: motivo });
    return { pedidoId, etapas: [] };
  }
  ledger.markCancelled(pedidoId, motivo);
  const onward = request.tokenPedido === "" ? { ...request, tokenPedido: ANY_ORDER } : request;
  const downstream = step.next ? await step.next(onward) : { pedidoId, etapas: [] };
  const etapa = store.tx(() => {
    const undone = step.undo();
    ledger.record({ pedidoId, operacao: step.operacao, resultado: undone ? undone.status : "nada a desfazer", detalhe: motivo });
    return undone;
  });
  return { pedidoId, etapas: etapa ? [etapa, ...downstream.etapas] : downstream.etapas };
}

/** The token of a compensation whose caller knows the order exists but not its token. */
const ANY_ORDER = "*";
const MAX_TOKEN_PEDIDO = 64;

/** A token is empty, "*", or one Pedidos gave for this order (`<pedido_id>@...`). */
function requireToken(pedidoId: number, tokenPedido: string): void {
  if (tokenPedido === "" || tokenPedido === ANY_ORDER) return;
  if (tokenPedido.length > MAX_TOKEN_PEDIDO || !tokenPedido.startsWith(`${pedidoId}@`)) {
    throw invalidArgument(
      `token_pedido "${tokenPedido.slice(0, MAX_TOKEN_PEDIDO)}" is not pedido ${pedidoId}'s: pass Pedido.token_pedido of that order, "*", or nothing`,
    );
  }
}
