import type { CatalogoDefinition } from "../../gen/ecommerce/v1/catalogo.js";
import type { ItemPedido, ResultadoCheckout } from "../../gen/ecommerce/v1/common.js";
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
import { METODOS_PAGAMENTO, TERMINAL_STATUSES, type MetodoPagamento, type StatusPedido } from "../vocabulary.js";
import { PedidosRecords, tokenPedido, type PedidoRow } from "./pedidos-records.js";
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
    // Only the three fields, as the rows read back: the drive below answers these without re-reading them.
    const itens: ItemPedido[] = request.itens.map((item, i) => ({
      produtoId: item.produtoId,
      quantidade: item.quantidade,
      precoUnitarioCentavos: produtos[i]!.precoCentavos,
    }));
    const valorTotal = itens.reduce((sum, item) => sum + item.quantidade * item.precoUnitarioCentavos, 0);
    if (!Number.isSafeInteger(valorTotal)) throw invalidArgument("itens: the order's total overflows the money range");
    if (valorTotal === 0) throw invalidArgument("itens: the order's total is R$ 0,00; there is nothing to charge");

    const created = this.deps.store.tx(() => {
      // A concurrent call with the same key may have won while we read the catalog.
      const raced = chave ? this.#records.pedidoByKey(chave) : undefined;
      if (raced) return { id: raced.id, row: undefined };
      // The drive below starts before any await: the row it would read is the one inserted, attempt counted.
      const row = this.#records.insert({ clienteId: request.clienteId, itens, valorTotal, metodo: request.metodoPagamento as MetodoPagamento, chave });
      this.#ledger.record({ pedidoId: row.id, operacao: "CriarPedido", resultado: "pendente" });
      return { id: row.id, row };
    });
    const { row } = created;
    if (!row) return this.drive(created.id, context);
    return once(this.#driving, row.id, () => this.#drive(row.id, context, { row, itens }));
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

  /** `created`: the row and items of an order this call just created and counted an attempt for. */
  async #drive(pedidoId: number, options: CallOptions, created?: { readonly row: PedidoRow; readonly itens: ItemPedido[] }): Promise<Pedido> {
    const row = created?.row ?? this.#require(pedidoId);
    if (TERMINAL_STATUSES.has(row.status)) return this.#records.toMessage(row);
    if (row.cancelamento_solicitado) return this.#cancel(pedidoId, row.motivo ?? "cancelado", options);
    // One statement is atomic by itself: no transaction around it.
    if (!created) this.#records.countAttempt(pedidoId);
    const itens = created?.itens ?? this.#records.itens(pedidoId);
    let after: PedidoRow | undefined;
    try {
      const result = await this.deps.pagamentos.processarPagamento(
        { pedidoId, clienteId: row.cliente_id, valorCentavos: row.valor_total_centavos, metodo: row.metodo_pagamento, itens },
        options,
      );
      after = this.#applyOutcome(pedidoId, result);
    } catch (error) {
      this.#recordFailure(pedidoId, "ProcessarPagamento", error);
      // A refusal that no retry can change: undo whatever the chain did and close the order.
      const rpc = RpcError.from(error);
      if (!TRANSIENT_CODES.has(rpc.code)) return this.#cancel(pedidoId, `erro: ${rpc.toString()}`, options);
    }
    return this.#records.toMessage(after ?? this.#records.pedido(pedidoId)!, itens);
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
    this.#records.requestCancel(pedidoId, reason);
    try {
      await this.deps.pagamentos.estornarPagamento({ pedidoId, motivo: reason, tokenPedido: tokenPedido(row) }, options);
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

  /** Records the chain's outcome; returns the order's row as it then stands. */
  #applyOutcome(pedidoId: number, result: ResultadoCheckout): PedidoRow {
    const after = this.deps.store.tx((): PedidoRow => {
      const row = this.#records.pedido(pedidoId)!;
      // A terminal order stays as it is; a cancellation in progress owns the order now.
      if (TERMINAL_STATUSES.has(row.status) || row.cancelamento_solicitado) return row;
      if (result.ok) {
        const entries: { status: StatusPedido; emMs: number }[] = [];
        for (const etapa of result.etapas) {
          const status = STATUS_AFTER_STEP[etapa.servico];
          if (status) entries.push({ status, emMs: etapa.emMs });
        }
        this.#records.addHistoryEntries(pedidoId, entries);
        this.deps.store.run("UPDATE pedidos SET status = 'enviado' WHERE id = ?", [pedidoId]);
      } else {
        this.#records.setStatus(pedidoId, "cancelado", result.motivo);
      }
      this.#ledger.record({ pedidoId, operacao: "ProcessarPagamento", resultado: result.ok ? "enviado" : "cancelado", detalhe: result.motivo });
      // What the UPDATE above wrote (motivo as COALESCE(?, motivo)), so the answer needs no re-read.
      return result.ok ? { ...row, status: "enviado" } : { ...row, status: "cancelado", motivo: result.motivo ?? row.motivo };
    });
    this.#watchers.notify(pedidoId);
    return after;
  }

  #recordFailure(pedidoId: number, operacao: string, error: unknown): void {
    const rpc = RpcError.from(error);
    this.#ledger.record({ pedidoId, operacao, resultado: "erro", detalhe: rpc.toString() });
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
