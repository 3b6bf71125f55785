import type { ItemPedido } from "../../gen/ecommerce/v1/common.js";
import type { Pedido, StatusPedido as StatusPedidoMsg } from "../../gen/ecommerce/v1/pedidos.js";
import type { Clock } from "../clock.js";
import { rowInserter } from "../store/insert-rows.js";
import { isoNow } from "../store/ledger.js";
import type { SqlStore } from "../store/sql-store.js";
import { NON_TERMINAL_STATUSES, sqlList, type MetodoPagamento, type StatusPedido } from "../vocabulary.js";

/** One row of `pedidos`. */
export interface PedidoRow {
  readonly id: number;
  readonly cliente_id: number;
  readonly status: StatusPedido;
  readonly valor_total_centavos: number;
  readonly metodo_pagamento: MetodoPagamento;
  readonly motivo: string | null;
  readonly criado_em_ms: number;
  readonly cancelamento_solicitado: number;
}

/** The columns of {@link PedidoRow}: the rest (dates as text, the key, attempts) is never read back, and each column costs a step across the WebAssembly boundary. */
const PEDIDO_COLUMNS = "id, cliente_id, status, valor_total_centavos, metodo_pagamento, motivo, criado_em_ms, cancelamento_solicitado";

// Statement texts built once: the store finds its prepared statements by string, and a
// string built per call costs more to make and hash than a short statement runs.
const PEDIDO_BY_ID = `SELECT ${PEDIDO_COLUMNS} FROM pedidos WHERE id = ?`;
const PEDIDO_BY_KEY = `SELECT ${PEDIDO_COLUMNS} FROM pedidos WHERE chave_idempotencia = ?`;
// A positive list, so the status index serves it: this runs on every recovery pass.
const NON_TERMINAL_IDS = `SELECT id FROM pedidos WHERE status IN ${sqlList(NON_TERMINAL_STATUSES)} ORDER BY id`;
const insertItens = rowInserter("itens_pedido", ["pedido_id", "produto_id", "quantidade", "preco_unitario_centavos"]);
const insertHistory = rowInserter("historico_status", ["pedido_id", "status", "motivo", "em_ms"]);

/**
 * The order's token (Pedido.token_pedido), which names this order and not just
 * its id: made of its id and creation time, so it needs no column of its own
 * and a restart reads it back. Opaque to every other service.
 */
export function tokenPedido(row: Pick<PedidoRow, "id" | "criado_em_ms">): string {
  return `${row.id}@${Math.trunc(row.criado_em_ms)}`;
}

/** The SQL of pedidos.db, so the service reads as the flow it is. */
export class PedidosRecords {
  constructor(
    private readonly store: SqlStore,
    private readonly clock: Clock,
  ) {}

  /** True if the customer exists. */
  hasCliente(id: number): boolean {
    return this.store.get("SELECT 1 FROM clientes WHERE id = ?", [id]) !== undefined;
  }

  /** The order with this id, or undefined. */
  pedido(id: number): PedidoRow | undefined {
    return this.store.get<PedidoRow>(PEDIDO_BY_ID, [id]);
  }

  /** The order created with this idempotency key, or undefined. */
  pedidoByKey(chave: string): PedidoRow | undefined {
    return this.store.get<PedidoRow>(PEDIDO_BY_KEY, [chave]);
  }

  /**
   * Inserts a `pendente` order with its items and first history entry, its first
   * attempt already counted (the caller drives it at once); returns its row.
   */
  insert(order: { clienteId: number; itens: readonly ItemPedido[]; valorTotal: number; metodo: MetodoPagamento; chave: string | null }): PedidoRow {
    const now = this.clock.now();
    const id = this.store.insert(
      "INSERT INTO pedidos (cliente_id, data_criacao, criado_em_ms, status, valor_total_centavos, metodo_pagamento, chave_idempotencia, tentativas) VALUES (?, ?, ?, 'pendente', ?, ?, ?, 1)",
      [order.clienteId, isoNow(this.clock), now, order.valorTotal, order.metodo, order.chave],
    );
    insertItens(this.store, order.itens.map((item) => [id, item.produtoId, item.quantidade, item.precoUnitarioCentavos]));
    insertHistory(this.store, [[id, "pendente", null, now]]);
    return {
      id,
      cliente_id: order.clienteId,
      status: "pendente",
      valor_total_centavos: order.valorTotal,
      metodo_pagamento: order.metodo,
      motivo: null,
      criado_em_ms: now,
      cancelamento_solicitado: 0,
    };
  }

  /** Moves the order to `status` and appends it to the history. */
  setStatus(id: number, status: StatusPedido, motivo: string | null, emMs = this.clock.now()): void {
    this.store.run("UPDATE pedidos SET status = ?, motivo = COALESCE(?, motivo) WHERE id = ?", [status, motivo, id]);
    insertHistory(this.store, [[id, status, motivo, emMs]]);
  }

  /** Appends several entries without a reason, in order, with one statement, without changing the current status. */
  addHistoryEntries(id: number, entries: readonly { readonly status: StatusPedido; readonly emMs: number }[]): void {
    insertHistory(this.store, entries.map((e) => [id, e.status, null, e.emMs]));
  }

  /** Records that the order is being cancelled, so a late success of the chain cannot ship it. */
  requestCancel(id: number, motivo: string): void {
    this.store.run("UPDATE pedidos SET cancelamento_solicitado = 1, motivo = ? WHERE id = ?", [motivo, id]);
  }

  /** Counts one more attempt to drive the order. */
  countAttempt(id: number): void {
    this.store.run("UPDATE pedidos SET tentativas = tentativas + 1 WHERE id = ?", [id]);
  }

  /** The order's item lines. */
  itens(id: number): ItemPedido[] {
    return this.store
      .all<{ id: number; produto_id: number; quantidade: number; preco_unitario_centavos: number }>(
        // Sorted here, not by ORDER BY id: the (pedido_id, produto_id) index finds the few rows, and
        // SQLite would build a temporary b-tree to sort them (a third of the query's cost).
        "SELECT id, produto_id, quantidade, preco_unitario_centavos FROM itens_pedido WHERE pedido_id = ?",
        [id],
      )
      .sort((a, b) => a.id - b.id)
      .map((r) => ({ produtoId: r.produto_id, quantidade: r.quantidade, precoUnitarioCentavos: r.preco_unitario_centavos }));
  }

  /** History entries of the order after entry `afterId`, oldest first, with their row ids. */
  history(id: number, afterId = 0): { rowId: number; status: StatusPedidoMsg }[] {
    return this.store
      .all<{ id: number; status: string; motivo: string | null; em_ms: number }>(
        // Sorted here, as itens(): with ORDER BY id this query took 21 us on a 2000-order database, 5.6 without.
        "SELECT id, status, motivo, em_ms FROM historico_status WHERE pedido_id = ? AND id > ?",
        [id, afterId],
      )
      .sort((a, b) => a.id - b.id)
      .map((r) => ({ rowId: r.id, status: { pedidoId: id, status: r.status, motivo: r.motivo ?? "", emMs: r.em_ms } }));
  }

  /** Ids of orders that are not terminal yet, oldest first. */
  nonTerminalIds(): number[] {
    return this.store
      .all<{ id: number }>(NON_TERMINAL_IDS)
      .map((r) => r.id);
  }

  /** The order as the wire shows it; `itens` if the caller already holds them. */
  toMessage(row: PedidoRow, itens?: ItemPedido[]): Pedido {
    return {
      id: row.id,
      clienteId: row.cliente_id,
      status: row.status,
      valorTotalCentavos: row.valor_total_centavos,
      itens: itens ?? this.itens(row.id),
      metodoPagamento: row.metodo_pagamento,
      motivo: row.motivo ?? "",
      criadoEmMs: row.criado_em_ms,
      historico: this.history(row.id).map((h) => h.status),
      tokenPedido: tokenPedido(row),
    };
  }
}
