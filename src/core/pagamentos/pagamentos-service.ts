import type { CompensacaoRequest, CompensacaoResponse, Etapa, ResultadoCheckout } from "../../gen/ecommerce/v1/common.js";
import type { EstoqueDefinition } from "../../gen/ecommerce/v1/estoque.js";
import type { PagamentosDefinition, ProcessarPagamentoRequest } from "../../gen/ecommerce/v1/pagamentos.js";
import type { CallContext, ClientOf, ImplOf } from "../../transports/index.js";
import { runCompensation, runForwardStep, type Applied, type ForwardStep } from "../chain-step.js";
import type { Clock } from "../clock.js";
import { failedPrecondition, invalidArgument, requireId, requireIntInRange } from "../errors.js";
import { validateItens } from "../items.js";
import type { Random } from "../random.js";
import { isoNow, Ledger } from "../store/ledger.js";
import type { SqlStore } from "../store/sql-store.js";
import { METODOS_PAGAMENTO } from "../vocabulary.js";
import type { StatusPagamento } from "./pagamentos-store.js";

/** Dependencies and settings of {@link PagamentosService}. */
export interface PagamentosDeps {
  readonly store: SqlStore;
  readonly clock: Clock;
  /** Decides approvals; forked per order, so an order's outcome does not depend on call order. */
  readonly random: Random;
  readonly estoque: ClientOf<EstoqueDefinition>;
  /** Share of payments approved, 0..1. Default: 0.9, as the seed. */
  readonly approvalRate?: number;
  /** Known bugs to plant, for tests that prove the invariants catch them. Default: none. */
  readonly defects?: PlantedDefects;
}

/** Test-only switches that break Pagamentos on purpose. */
export interface PlantedDefects {
  /** A repeated ProcessarPagamento charges the order again (no idempotency). */
  readonly chargeRepeats?: boolean;
  /** A refusal further down the chain does not refund the charge (compensation skipped). */
  readonly skipRefund?: boolean;
}

type PagamentoRow = { id: number; status: StatusPagamento; motivo: string | null; valor_centavos: number; metodo: string };

/** Pagamentos: charges each order at most once, then asks Estoque to separate it. */
export class PagamentosService implements ImplOf<PagamentosDefinition> {
  readonly #ledger: Ledger;
  readonly #charge: ForwardStep<ProcessarPagamentoRequest>;

  constructor(private readonly deps: PagamentosDeps) {
    this.#ledger = new Ledger(deps.store, deps.clock);
    this.#charge = {
      operacao: "ProcessarPagamento",
      store: deps.store,
      ledger: this.#ledger,
      apply: (request) => this.#chargeOnce(request),
      next: (request, context) =>
        deps.estoque.separarEstoque({ pedidoId: request.pedidoId, clienteId: request.clienteId, valorCentavos: request.valorCentavos, itens: request.itens }, context),
      undo: (request, motivo) =>
        (deps.defects?.skipRefund ? undefined : this.#refund(request.pedidoId, motivo)) ?? this.#etapa(this.#pagamento(request.pedidoId)!),
    };
  }

  /** Charges the order once (approved or refused by the card network), then continues the chain. */
  async processarPagamento(request: ProcessarPagamentoRequest, context: CallContext): Promise<ResultadoCheckout> {
    requireId("pedido_id", request.pedidoId);
    requireIntInRange("valor_centavos", request.valorCentavos, 1, Number.MAX_SAFE_INTEGER);
    if (!(METODOS_PAGAMENTO as readonly string[]).includes(request.metodo)) {
      throw invalidArgument(`metodo must be one of ${METODOS_PAGAMENTO.join(", ")}, got "${request.metodo}"`);
    }
    validateItens(request.itens);
    return runForwardStep(this.#charge, request, context);
  }

  /** The charge of the order: the recorded one for a repeat (which must ask the same), else a new one. */
  #chargeOnce(request: ProcessarPagamentoRequest): Applied {
    const { pedidoId } = request;
    const found = this.#pagamento(pedidoId);
    if (found) {
      // A repeat must be the same charge: anything else is another order claiming this id, never a reason to ship.
      if (found.valor_centavos !== request.valorCentavos || found.metodo !== request.metodo) {
        throw failedPrecondition(
          `pedido ${pedidoId} was already charged ${found.valor_centavos} centavos by ${found.metodo}; ` +
            `a repeated ProcessarPagamento must ask the same, not ${request.valorCentavos} centavos by ${request.metodo}`,
        );
      }
      const ok = found.status === "aprovado";
      if (ok && this.deps.defects?.chargeRepeats) {
        this.deps.store.run("UPDATE pagamentos SET valor_centavos = valor_centavos + ? WHERE id = ?", [request.valorCentavos, found.id]);
      }
      return { ok, repeated: true, ...(ok ? {} : { motivo: found.motivo ?? `pagamento ${found.status}` }), etapa: this.#etapa(found) };
    }
    const approved = this.deps.random.fork(pedidoId).next() < (this.deps.approvalRate ?? 0.9);
    const status: StatusPagamento = approved ? "aprovado" : "rejeitado";
    const motivo = approved ? null : "pagamento rejeitado pela operadora";
    const lastId = this.deps.store.insert(
      "INSERT INTO pagamentos (pedido_id, data_processamento, status, metodo, valor_centavos, motivo) VALUES (?, ?, ?, ?, ?, ?)",
      [pedidoId, isoNow(this.deps.clock), status, request.metodo, request.valorCentavos, motivo],
    );
    return { ok: approved, repeated: false, ...(motivo ? { motivo } : {}), etapa: this.#etapa({ id: lastId, status }) };
  }

  /** Cancels stock, invoice and shipment, then refunds the charge (estornado); idempotent. */
  async estornarPagamento(request: CompensacaoRequest, context: CallContext): Promise<CompensacaoResponse> {
    requireId("pedido_id", request.pedidoId);
    return runCompensation({
      request,
      operacao: "EstornarPagamento",
      store: this.deps.store,
      ledger: this.#ledger,
      next: (onward) => this.deps.estoque.liberarEstoque(onward, context),
      recorded: () => this.#pagamento(request.pedidoId) !== undefined,
      undo: () => this.#refund(request.pedidoId, request.motivo),
    });
  }

  #refund(pedidoId: number, motivo: string): Etapa | undefined {
    const found = this.#pagamento(pedidoId);
    if (!found) return undefined;
    if (found.status !== "aprovado") return this.#etapa(found);
    this.deps.store.run("UPDATE pagamentos SET status = 'estornado', motivo = ?, estornado_em = ? WHERE id = ?", [
      motivo,
      isoNow(this.deps.clock),
      found.id,
    ]);
    return this.#etapa({ ...found, status: "estornado" });
  }

  #pagamento(pedidoId: number): PagamentoRow | undefined {
    return this.deps.store.get<PagamentoRow>("SELECT id, status, motivo, valor_centavos, metodo FROM pagamentos WHERE pedido_id = ?", [pedidoId]);
  }

  #etapa(pagamento: { id: number; status: StatusPagamento }): Etapa {
    return { servico: "pagamentos", status: pagamento.status, emMs: this.deps.clock.now(), referencia: `pagamento ${pagamento.id}` };
  }
}
