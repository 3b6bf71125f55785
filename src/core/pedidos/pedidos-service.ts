import type { CatalogoDefinition } from "../../gen/ecommerce/v1/catalogo.js";
import type { ResultadoCheckout } from "../../gen/ecommerce/v1/common.js";
import type { PagamentosDefinition } from "../../gen/ecommerce/v1/pagamentos.js";
import type {
  AcompanharPedidoRequest,
  ConsultarPedidoRequest,
  CriarPedidoRequest,
  Pedido,
  PedidosDefinition,
  StatusPedido as StatusPedidoMsg,
} from "../../gen/ecommerce/v1/pedidos.js";
import type { CallContext, CallOptions, ClientOf, ImplOf } from "../../transports/index.js";
import { Code } from "../../transports/codes.js";
import { RpcError } from "../../transports/rpc-error.js";
import type { Clock } from "../clock.js";
import { invalidArgument, notFound, requireId } from "../errors.js";
import { validateItens } from "../items.js";
import { Ledger } from "../store/ledger.js";
import type { SqlStore } from "../store/sql-store.js";
import { METODOS_PAGAMENTO, TERMINAL_STATUSES, type StatusPedido } from "../vocabulary.js";
import { PedidosRecords, type PedidoRow } from "./pedidos-records.js";
import { StatusWatchers } from "./status-watchers.js";

/** Dependencies of {@link PedidosService}. */
export interface PedidosDeps {
  readonly store: SqlStore;
  readonly clock: Clock;
  readonly catalogo: ClientOf<CatalogoDefinition>;
  readonly pagamentos: ClientOf<PagamentosDefinition>;
}

/** The order status each successful step of the chain moves the order to. */
const STATUS_AFTER_STEP: Readonly<Record<string, StatusPedido>> = {
  pagamentos: "pagamento_aprovado",
  estoque: "em_separacao",
  fiscal: "nf_emitida",
  logistica: "enviado",
};

const MAX_CHAVE_IDEMPOTENCIA = 200;

/** Failures that say nothing about the request: the order waits for another attempt. */
const TRANSIENT_CODES: ReadonlySet<Code> = new Set<Code>([
  Code.UNAVAILABLE,
  Code.DEADLINE_EXCEEDED,
  Code.CANCELLED,
  Code.ABORTED,
  Code.RESOURCE_EXHAUSTED,
  Code.UNKNOWN,
  Code.INTERNAL,
]);

/** Pedidos: takes orders, drives the chain through Pagamentos, and cancels with full compensation. */
export class PedidosService implements ImplOf<PedidosDefinition> {
  readonly #records: PedidosRecords;
  readonly #ledger: Ledger;
  readonly #watchers = new StatusWatchers();
  /** Drives and cancellations in flight in this instance, so a retry joins the one running. */
  readonly #driving = new Map<number, Promise<Pedido>>();
  readonly #cancelling = new Map<number, Promise<Pedido>>();

  constructor(private readonly deps: PedidosDeps) {
    this.#records = new PedidosRecords(deps.store, deps.clock);
    this.#ledger = new Ledger(deps.store, deps.clock);
  }

  /** Validates and records the order, runs the chain, and answers the order as it then stands. */
  async criarPedido(request: CriarPedidoRequest, context: CallContext): Promise<Pedido> {
    requireId("cliente_id", request.clienteId);
    if (!(METODOS_PAGAMENTO as readonly string[]).includes(request.metodoPagamento)) {
      throw invalidArgument(`metodo_pagamento must be one of ${METODOS_PAGAMENTO.join(", ")}, got "${request.metodoPagamento}"`);
    }
    if (request.chaveIdempotencia.length > MAX_CHAVE_IDEMPOTENCIA) {
      throw invalidArgument(`chave_idempotencia must be at most ${MAX_CHAVE_IDEMPOTENCIA} characters`);
    }
    validateItens(request.itens);
    if (!this.#records.hasCliente(request.clienteId)) throw notFound(`cliente_id ${request.clienteId} not found`);

    const chave = request.chaveIdempotencia || null;
    const earlier = chave ? this.#records.pedidoByKey(chave) : undefined;
    if (earlier) return this.drive(earlier.id, context);

    const { produtos } = await this.deps.catalogo.obterProdutos({ ids: request.itens.map((i) => i.produtoId) }, context);
    const itens = request.itens.map((item, i) => ({ ...item, precoUnitarioCentavos: produtos[i]!.precoCentavos }));
    const valorTotal = itens.reduce((sum, item) => sum + item.quantidade * item.precoUnitarioCentavos, 0);
    if (!Number.isSafeInteger(valorTotal)) throw invalidArgument("itens: the order's total overflows the money range");
    if (valorTotal === 0) throw invalidArgument("itens: the order's total is R$ 0,00; there is nothing to charge");

    const id = this.deps.store.tx(() => {
      // A concurrent call with the same key may have won while we read the catalog.
      const raced = chave ? this.#records.pedidoByKey(chave) : undefined;
      if (raced) return raced.id;
      const created = this.#records.insert({ clienteId: request.clienteId, itens, valorTotal, metodo: request.metodoPagamento, chave });
      this.#ledger.record({ pedidoId: created, operacao: "CriarPedido", resultado: "pendente" });
      return created;
    });
    return this.drive(id, context);
  }

  /** The order with its items and status history. */
  async consultarPedido(request: ConsultarPedidoRequest): Promise<Pedido> {
    return this.#records.toMessage(this.#require(request.pedidoId));
  }

  /** Streams the order's status history, then each change, until a terminal status. */
  async *acompanharPedido(request: AcompanharPedidoRequest, context: CallContext): AsyncIterable<StatusPedidoMsg> {
    const { pedidoId } = request;
    this.#require(pedidoId);
    let seen = 0;
    while (true) {
      const fresh = this.#records.history(pedidoId, seen);
      for (const entry of fresh) {
        seen = entry.rowId;
        yield entry.status;
      }
      // Re-read after yielding: changes made while the consumer held us must not be missed.
      if (fresh.length > 0) continue;
      if (TERMINAL_STATUSES.has(this.#records.pedido(pedidoId)!.status)) return;
      await this.#watchers.wait(pedidoId, context.signal);
    }
  }

  /**
   * Runs the chain for an order that is not terminal (again, if it ran before:
   * every step is idempotent). An RPC error leaves the order `pendente` for a
   * later attempt; the answer is the order as it then stands.
   */
  drive(pedidoId: number, options: CallOptions = {}): Promise<Pedido> {
    return once(this.#driving, pedidoId, () => this.#drive(pedidoId, options));
  }

  async #drive(pedidoId: number, options: CallOptions): Promise<Pedido> {
    const row = this.#require(pedidoId);
    if (TERMINAL_STATUSES.has(row.status)) return this.#records.toMessage(row);
    if (row.cancelamento_solicitado) return this.#cancel(pedidoId, row.motivo ?? "cancelado", options);
    this.deps.store.tx(() => this.#records.countAttempt(pedidoId));
    try {
      const result = await this.deps.pagamentos.processarPagamento(
        { pedidoId, clienteId: row.cliente_id, valorCentavos: row.valor_total_centavos, metodo: row.metodo_pagamento, itens: this.#records.itens(pedidoId) },
        options,
      );
      this.#applyOutcome(pedidoId, result);
    } catch (error) {
      this.#recordFailure(pedidoId, "ProcessarPagamento", error);
      // A refusal that no retry can change: undo whatever the chain did and close the order.
      const rpc = RpcError.from(error);
      if (!TRANSIENT_CODES.has(rpc.code)) return this.#cancel(pedidoId, `erro: ${rpc.toString()}`, options);
    }
    return this.#records.toMessage(this.#records.pedido(pedidoId)!);
  }

  /**
   * Cancels a non-terminal order with full compensation (refund, release,
   * cancel invoice and shipment). Idempotent; an RPC error leaves the request
   * recorded so the next attempt finishes it.
   */
  cancel(pedidoId: number, motivo: string, options: CallOptions = {}): Promise<Pedido> {
    return once(this.#cancelling, pedidoId, () => this.#cancel(pedidoId, motivo, options));
  }

  async #cancel(pedidoId: number, motivo: string, options: CallOptions): Promise<Pedido> {
    const row = this.#require(pedidoId);
    if (TERMINAL_STATUSES.has(row.status)) return this.#records.toMessage(row);
    const reason = row.cancelamento_solicitado ? (row.motivo ?? motivo) : motivo;
    this.deps.store.tx(() => this.#records.requestCancel(pedidoId, reason));
    try {
      await this.deps.pagamentos.estornarPagamento({ pedidoId, motivo: reason }, options);
      this.deps.store.tx(() => {
        if (TERMINAL_STATUSES.has(this.#records.pedido(pedidoId)!.status)) return;
        this.#records.setStatus(pedidoId, "cancelado", reason);
        this.#ledger.record({ pedidoId, operacao: "Cancelar", resultado: "cancelado", detalhe: reason });
      });
      this.#watchers.notify(pedidoId);
    } catch (error) {
      this.#recordFailure(pedidoId, "EstornarPagamento", error);
    }
    return this.#records.toMessage(this.#records.pedido(pedidoId)!);
  }

  /** Ids of the orders that are not terminal yet, oldest first (what a recovery pass re-drives). */
  nonTerminalOrders(): number[] {
    return this.#records.nonTerminalIds();
  }

  /** The order's creation time and whether a cancellation was requested, for recovery policies. */
  orderAge(pedidoId: number): { readonly createdAtMs: number; readonly cancelRequested: boolean } {
    const row = this.#require(pedidoId);
    return { createdAtMs: row.criado_em_ms, cancelRequested: row.cancelamento_solicitado === 1 };
  }

  #applyOutcome(pedidoId: number, result: ResultadoCheckout): void {
    this.deps.store.tx(() => {
      const row = this.#records.pedido(pedidoId)!;
      // A terminal order stays as it is; a cancellation in progress owns the order now.
      if (TERMINAL_STATUSES.has(row.status) || row.cancelamento_solicitado) return;
      if (result.ok) {
        for (const etapa of result.etapas) {
          const status = STATUS_AFTER_STEP[etapa.servico];
          if (status) this.#records.addHistory(pedidoId, status, null, etapa.emMs);
        }
        this.deps.store.run("UPDATE pedidos SET status = 'enviado' WHERE id = ?", [pedidoId]);
      } else {
        this.#records.setStatus(pedidoId, "cancelado", result.motivo);
      }
      this.#ledger.record({ pedidoId, operacao: "ProcessarPagamento", resultado: result.ok ? "enviado" : "cancelado", detalhe: result.motivo });
    });
    this.#watchers.notify(pedidoId);
  }

  #recordFailure(pedidoId: number, operacao: string, error: unknown): void {
    const rpc = RpcError.from(error);
    this.deps.store.tx(() => this.#ledger.record({ pedidoId, operacao, resultado: "erro", detalhe: rpc.toString() }));
  }

  #require(pedidoId: number): PedidoRow {
    requireId("pedido_id", pedidoId);
    const row = this.#records.pedido(pedidoId);
    if (!row) throw notFound(`pedido ${pedidoId} not found`);
    return row;
  }
}

/** Runs `start` unless a run for `key` is in flight, in which case it joins that one. */
function once<T>(inflight: Map<number, Promise<T>>, key: number, start: () => Promise<T>): Promise<T> {
  const running = inflight.get(key);
  if (running) return running;
  const promise = start().finally(() => inflight.delete(key));
  inflight.set(key, promise);
  return promise;
}
