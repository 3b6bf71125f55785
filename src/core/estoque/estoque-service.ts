import type { CompensacaoRequest, CompensacaoResponse, Etapa, ResultadoCheckout } from "../../gen/ecommerce/v1/common.js";
import type {
  ConsultarEstoqueRequest,
  ConsultarEstoqueResponse,
  EstoqueDefinition,
  SepararEstoqueRequest,
} from "../../gen/ecommerce/v1/estoque.js";
import type { FiscalDefinition } from "../../gen/ecommerce/v1/fiscal.js";
import type { CallContext, ClientOf, ImplOf } from "../../transports/index.js";
import { runCompensation, runForwardStep, type Applied, type ForwardStep } from "../chain-step.js";
import type { Clock } from "../clock.js";
import { notFound, requireId, requireIntInRange } from "../errors.js";
import { validateItens } from "../items.js";
import { rowInserter } from "../store/insert-rows.js";
import { isoNow, Ledger } from "../store/ledger.js";
import { rowsByKey } from "../store/rows-by-key.js";
import type { SqlStore } from "../store/sql-store.js";
import type { StatusReserva } from "./estoque-store.js";

/** Dependencies of {@link EstoqueService}. */
export interface EstoqueDeps {
  readonly store: SqlStore;
  readonly clock: Clock;
  readonly fiscal: ClientOf<FiscalDefinition>;
}

type ReservaRow = { status: StatusReserva; motivo: string | null };

const insertReservedItems = rowInserter("itens_reserva", ["pedido_id", "produto_id", "quantidade"]);
const stockByProduct = rowsByKey<{ produto_id: number; quantidade: number }, "produto_id">("SELECT produto_id, quantidade FROM estoque", "produto_id");

/** Estoque: reserves each order's items all-or-nothing and asks Fiscal for the invoice. */
export class EstoqueService implements ImplOf<EstoqueDefinition> {
  readonly #ledger: Ledger;
  readonly #reserve: ForwardStep<SepararEstoqueRequest>;

  constructor(private readonly deps: EstoqueDeps) {
    this.#ledger = new Ledger(deps.store, deps.clock);
    this.#reserve = {
      operacao: "SepararEstoque",
      store: deps.store,
      ledger: this.#ledger,
      apply: (request) => this.#reserveOnce(request),
      next: (request, context) =>
        deps.fiscal.emitirNotaFiscal({ pedidoId: request.pedidoId, clienteId: request.clienteId, valorCentavos: request.valorCentavos }, context),
      undo: (request, motivo) => this.#release(request.pedidoId, motivo) ?? this.#etapa(request.pedidoId, this.#reserva(request.pedidoId)!.status),
    };
  }

  /** Reserves the items once (or refuses when stock is short), then asks for the invoice. */
  async separarEstoque(request: SepararEstoqueRequest, context: CallContext): Promise<ResultadoCheckout> {
    requireId("pedido_id", request.pedidoId);
    requireIntInRange("valor_centavos", request.valorCentavos, 0, Number.MAX_SAFE_INTEGER);
    validateItens(request.itens);
    return runForwardStep(this.#reserve, request, context);
  }

  /** The order's reservation: the recorded one for a repeat, else all its items or none (refused when stock is short). */
  #reserveOnce(request: SepararEstoqueRequest): Applied {
    const { pedidoId } = request;
    const found = this.#reserva(pedidoId);
    if (found) {
      const ok = found.status === "separado";
      return { ok, repeated: true, ...(ok ? {} : { motivo: found.motivo ?? found.status }), etapa: this.#etapa(pedidoId, found.status) };
    }
    const shortage = this.#shortage(request);
    const now = isoNow(this.deps.clock);
    const status: StatusReserva = shortage ? "recusado" : "separado";
    this.deps.store.run("INSERT INTO reservas (pedido_id, status, motivo, criado_em, atualizado_em) VALUES (?, ?, ?, ?, ?)", [
      pedidoId,
      status,
      shortage ?? null,
      now,
      now,
    ]);
    if (shortage) return { ok: false, repeated: false, motivo: shortage, etapa: this.#etapa(pedidoId, status) };
    for (const item of request.itens) {
      this.deps.store.run("UPDATE estoque SET quantidade = quantidade - ? WHERE produto_id = ?", [item.quantidade, item.produtoId]);
    }
    insertReservedItems(this.deps.store, request.itens.map((item) => [pedidoId, item.produtoId, item.quantidade]));
    return { ok: true, repeated: false, etapa: this.#etapa(pedidoId, status) };
  }

  /** Cancels the invoice and shipment, then puts the reserved items back; idempotent. */
  async liberarEstoque(request: CompensacaoRequest, context: CallContext): Promise<CompensacaoResponse> {
    requireId("pedido_id", request.pedidoId);
    return runCompensation({
      request,
      operacao: "LiberarEstoque",
      store: this.deps.store,
      ledger: this.#ledger,
      next: (onward) => this.deps.fiscal.cancelarNotaFiscal(onward, context),
      recorded: () => this.#reserva(request.pedidoId) !== undefined,
      undo: () => this.#release(request.pedidoId, request.motivo),
    });
  }

  /** Current stock of the named products, or of every product when none are named. */
  async consultarEstoque(request: ConsultarEstoqueRequest): Promise<ConsultarEstoqueResponse> {
    type Row = { produto_id: number; quantidade: number };
    if (request.produtoIds.length === 0) {
      const rows = this.deps.store.all<Row>("SELECT produto_id, quantidade FROM estoque ORDER BY produto_id");
      return { saldos: rows.map((r) => ({ produtoId: r.produto_id, quantidade: r.quantidade })) };
    }
    const saldos = request.produtoIds.map((id, i) => {
      requireId(`produto_ids[${i}]`, id);
      const row = this.deps.store.get<Row>("SELECT produto_id, quantidade FROM estoque WHERE produto_id = ?", [id]);
      if (!row) throw notFound(`produto ${id} has no stock record`);
      return { produtoId: row.produto_id, quantidade: row.quantidade };
    });
    return { saldos };
  }

  /** The first item the stock cannot cover, as a reason; undefined when all fit. */
  #shortage(request: SepararEstoqueRequest): string | undefined {
    const stock = stockByProduct(this.deps.store, request.itens.map((item) => item.produtoId));
    for (const item of request.itens) {
      const row = stock.get(item.produtoId);
      if (!row) return `estoque insuficiente: produto ${item.produtoId} sem estoque cadastrado`;
      if (row.quantidade < item.quantidade) {
        return `estoque insuficiente: produto ${item.produtoId} (pedido ${item.quantidade}, disponível ${row.quantidade})`;
      }
    }
    return undefined;
  }

  #release(pedidoId: number, motivo: string): Etapa | undefined {
    const found = this.#reserva(pedidoId);
    if (!found) return undefined;
    if (found.status === "separado") {
      const itens = this.deps.store.all<{ produto_id: number; quantidade: number }>(
        "SELECT produto_id, quantidade FROM itens_reserva WHERE pedido_id = ?",
        [pedidoId],
      );
      for (const item of itens) {
        this.deps.store.run("UPDATE estoque SET quantidade = quantidade + ? WHERE produto_id = ?", [item.quantidade, item.produto_id]);
      }
      this.deps.store.run("UPDATE reservas SET status = 'liberado', motivo = ?, atualizado_em = ? WHERE pedido_id = ?", [
        motivo,
        isoNow(this.deps.clock),
        pedidoId,
      ]);
      return this.#etapa(pedidoId, "liberado");
    }
    return this.#etapa(pedidoId, found.status);
  }

  #reserva(pedidoId: number): ReservaRow | undefined {
    return this.deps.store.get<ReservaRow>("SELECT status, motivo FROM reservas WHERE pedido_id = ?", [pedidoId]);
  }

  #etapa(pedidoId: number, status: StatusReserva): Etapa {
    return { servico: "estoque", status, emMs: this.deps.clock.now(), referencia: `reserva ${pedidoId}` };
  }
}
