import type { CompensacaoRequest, CompensacaoResponse, Etapa, ResultadoCheckout } from "../../gen/ecommerce/v1/common.js";
import type { EmitirNotaFiscalRequest, FiscalDefinition } from "../../gen/ecommerce/v1/fiscal.js";
import type { LogisticaDefinition } from "../../gen/ecommerce/v1/logistica.js";
import type { CallContext, ClientOf, ImplOf } from "../../transports/index.js";
import { runCompensation, runForwardStep, type Applied, type ForwardStep } from "../chain-step.js";
import type { Clock } from "../clock.js";
import { requireId, requireIntInRange } from "../errors.js";
import type { Random } from "../random.js";
import { isoNow, Ledger } from "../store/ledger.js";
import type { SqlStore } from "../store/sql-store.js";
import { buildChaveAcesso } from "./chave-acesso.js";
import { nextNumeroNota, type StatusNotaFiscal } from "./fiscal-store.js";

/** Dependencies of {@link FiscalService}. */
export interface FiscalDeps {
  readonly store: SqlStore;
  readonly clock: Clock;
  /** Draws each invoice's random code (cNF), forked by order. */
  readonly random: Random;
  readonly logistica: ClientOf<LogisticaDefinition>;
  /** The issuer's CNPJ and state code in every access key. Default: the lab's own (SP). */
  readonly emitente?: { readonly cnpj: string; readonly cUF: number };
}

/** The lab's fictitious issuer; the CNPJ has valid check digits. */
const LAB_EMITENTE = { cnpj: "11222333000181", cUF: 35 };

type NotaRow = { id: number; numero: string; status: StatusNotaFiscal };

/** Fiscal: issues each order's invoice (numbers gap-free) and asks Logistica to ship. */
export class FiscalService implements ImplOf<FiscalDefinition> {
  readonly #ledger: Ledger;
  readonly #invoice: ForwardStep<EmitirNotaFiscalRequest, Applied & { readonly notaId: number }>;

  constructor(private readonly deps: FiscalDeps) {
    this.#ledger = new Ledger(deps.store, deps.clock);
    this.#invoice = {
      operacao: "EmitirNotaFiscal",
      store: deps.store,
      ledger: this.#ledger,
      apply: (request) => this.#issueOnce(request),
      next: (request, context, applied) => deps.logistica.agendarEnvio({ pedidoId: request.pedidoId, notaFiscalId: applied.notaId }, context),
      undo: (request) => this.#cancel(request.pedidoId) ?? this.#etapa(this.#nota(request.pedidoId)!),
    };
  }

  /** Issues the invoice once, then schedules the shipment. */
  async emitirNotaFiscal(request: EmitirNotaFiscalRequest, context: CallContext): Promise<ResultadoCheckout> {
    requireId("pedido_id", request.pedidoId);
    requireIntInRange("valor_centavos", request.valorCentavos, 0, Number.MAX_SAFE_INTEGER);
    return runForwardStep(this.#invoice, request, context);
  }

  /** The order's invoice: the recorded one for a repeat (ok while it stands), else a new one; with its id for Logistica. */
  #issueOnce(request: EmitirNotaFiscalRequest): Applied & { readonly notaId: number } {
    const found = this.#nota(request.pedidoId);
    if (found) {
      const live = found.status === "emitida";
      return { ok: live, repeated: true, ...(live ? {} : { motivo: "nota fiscal cancelada" }), etapa: this.#etapa(found), notaId: found.id };
    }
    const nota = this.#issue(request);
    return { ok: true, repeated: false, etapa: this.#etapa(nota), notaId: nota.id };
  }

  /** Cancels the shipment, then the invoice; idempotent. */
  async cancelarNotaFiscal(request: CompensacaoRequest, context: CallContext): Promise<CompensacaoResponse> {
    requireId("pedido_id", request.pedidoId);
    return runCompensation({
      request,
      operacao: "CancelarNotaFiscal",
      store: this.deps.store,
      ledger: this.#ledger,
      next: (onward) => this.deps.logistica.cancelarEnvio(onward, context),
      recorded: () => this.#nota(request.pedidoId) !== undefined,
      undo: () => this.#cancel(request.pedidoId),
    });
  }

  #issue(request: EmitirNotaFiscalRequest): NotaRow {
    const { store, clock, random } = this.deps;
    const emitente = this.deps.emitente ?? LAB_EMITENTE;
    const numero = nextNumeroNota(store);
    const emitida = new Date(clock.now());
    const chave = buildChaveAcesso({
      cUF: emitente.cUF,
      emissao: { ano: emitida.getUTCFullYear(), mes: emitida.getUTCMonth() + 1 },
      cnpj: emitente.cnpj,
      serie: 1,
      numero,
      codigoNumerico: random.fork(request.pedidoId).int(0, 99_999_999),
    });
    const lastId = store.insert(
      "INSERT INTO notas_fiscais (pedido_id, numero, data_emissao, chave_acesso, valor_centavos, status) VALUES (?, ?, ?, ?, ?, 'emitida')",
      [request.pedidoId, String(numero).padStart(9, "0"), isoNow(clock), chave, request.valorCentavos],
    );
    return { id: lastId, numero: String(numero).padStart(9, "0"), status: "emitida" };
  }

  #cancel(pedidoId: number): Etapa | undefined {
    const found = this.#nota(pedidoId);
    if (!found) return undefined;
    if (found.status !== "cancelada") {
      this.deps.store.run("UPDATE notas_fiscais SET status = 'cancelada', cancelada_em = ? WHERE id = ?", [isoNow(this.deps.clock), found.id]);
    }
    return this.#etapa({ ...found, status: "cancelada" });
  }

  #nota(pedidoId: number): NotaRow | undefined {
    return this.deps.store.get<NotaRow>("SELECT id, numero, status FROM notas_fiscais WHERE pedido_id = ?", [pedidoId]);
  }

  #etapa(nota: NotaRow): Etapa {
    return { servico: "fiscal", status: nota.status, emMs: this.deps.clock.now(), referencia: nota.numero };
  }
}
