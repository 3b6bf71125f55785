import type { AgendarEnvioRequest, LogisticaDefinition } from "../../gen/ecommerce/v1/logistica.js";
import type { CompensacaoRequest, CompensacaoResponse, Etapa, ResultadoCheckout } from "../../gen/ecommerce/v1/common.js";
import type { ImplOf } from "../../transports/index.js";
import { runCompensation, runForwardStep, type Applied, type ForwardStep } from "../chain-step.js";
import type { Clock } from "../clock.js";
import { failedPrecondition, requireId } from "../errors.js";
import { isoNow, Ledger } from "../store/ledger.js";
import type { SqlStore } from "../store/sql-store.js";
import { buildCodigoRastreamento } from "./codigo-rastreamento.js";
import type { StatusEnvio } from "./logistica-store.js";

/** Dependencies of {@link LogisticaService}. */
export interface LogisticaDeps {
  readonly store: SqlStore;
  readonly clock: Clock;
}

type EnvioRow = { id: number; status: StatusEnvio; codigo_rastreamento: string };

/** Logistica: schedules each order's shipment, the tail of the chain. */
export class LogisticaService implements ImplOf<LogisticaDefinition> {
  readonly #ledger: Ledger;
  readonly #ship: ForwardStep<AgendarEnvioRequest>;

  constructor(private readonly deps: LogisticaDeps) {
    this.#ledger = new Ledger(deps.store, deps.clock);
    this.#ship = {
      operacao: "AgendarEnvio",
      store: deps.store,
      ledger: this.#ledger,
      apply: (request) => this.#scheduleOnce(request),
      undo: (request) => this.#cancel(request.pedidoId) ?? this.#etapa(this.#envio(request.pedidoId)!),
    };
  }

  /** Schedules the shipment once; a repeat answers the recorded one. */
  async agendarEnvio(request: AgendarEnvioRequest): Promise<ResultadoCheckout> {
    requireId("pedido_id", request.pedidoId);
    requireId("nota_fiscal_id", request.notaFiscalId);
    return runForwardStep(this.#ship, request);
  }

  /** The order's shipment: the recorded one for a repeat (ok unless cancelled), else a new one for its invoice. */
  #scheduleOnce(request: AgendarEnvioRequest): Applied {
    const { store } = this.deps;
    const found = this.#envio(request.pedidoId);
    if (found) {
      const live = found.status !== "cancelado";
      return { ok: live, repeated: true, ...(live ? {} : { motivo: "envio cancelado" }), etapa: this.#etapa(found) };
    }
    const other = store.get<{ pedido_id: number }>("SELECT pedido_id FROM envios WHERE nota_fiscal_id = ?", [request.notaFiscalId]);
    if (other) throw failedPrecondition(`nota_fiscal_id ${request.notaFiscalId} already ships pedido ${other.pedido_id}`);
    // Rows are never deleted, so the next id is unique and the tracking code can derive from it.
    const id = store.get<{ id: number }>("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM envios")!.id;
    const envio: EnvioRow = { id, status: "aguardando_envio", codigo_rastreamento: buildCodigoRastreamento(id) };
    store.run(
      "INSERT INTO envios (id, pedido_id, nota_fiscal_id, data_despacho, codigo_rastreamento, status) VALUES (?, ?, ?, NULL, ?, ?)",
      [id, request.pedidoId, request.notaFiscalId, envio.codigo_rastreamento, envio.status],
    );
    return { ok: true, repeated: false, etapa: this.#etapa(envio) };
  }

  /** Cancels the order's shipment if there is one; idempotent. */
  async cancelarEnvio(request: CompensacaoRequest): Promise<CompensacaoResponse> {
    requireId("pedido_id", request.pedidoId);
    return runCompensation({
      request,
      operacao: "CancelarEnvio",
      store: this.deps.store,
      ledger: this.#ledger,
      recorded: () => this.#envio(request.pedidoId) !== undefined,
      undo: () => this.#cancel(request.pedidoId),
    });
  }

  #cancel(pedidoId: number): Etapa | undefined {
    const found = this.#envio(pedidoId);
    if (!found) return undefined;
    if (found.status !== "cancelado") {
      this.deps.store.run("UPDATE envios SET status = 'cancelado', cancelado_em = ? WHERE id = ?", [isoNow(this.deps.clock), found.id]);
    }
    return this.#etapa({ ...found, status: "cancelado" });
  }

  #envio(pedidoId: number): EnvioRow | undefined {
    return this.deps.store.get<EnvioRow>("SELECT id, status, codigo_rastreamento FROM envios WHERE pedido_id = ?", [pedidoId]);
  }

  #etapa(envio: EnvioRow): Etapa {
    return { servico: "logistica", status: envio.status, emMs: this.deps.clock.now(), referencia: envio.codigo_rastreamento };
  }
}
