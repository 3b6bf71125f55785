import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isValidChaveAcesso } from "../../src/core/fiscal/chave-acesso.js";
import { isValidCodigoRastreamento } from "../../src/core/logistica/codigo-rastreamento.js";
import type { ServiceName } from "../../src/core/vocabulary.js";
import type { CompensacaoResponse, Etapa, ResultadoCheckout } from "../../src/gen/ecommerce/v1/common.js";
import type { Pedido } from "../../src/gen/ecommerce/v1/pedidos.js";
import {
  assertInvariants,
  createCheckoutFixture,
  createLinkFaults,
  dumpTables,
  LOG_TABLES,
  type CheckoutFixture,
  type LinkFaults,
} from "./fixture.js";

/** What each service holds for one order. */
function effects(fx: CheckoutFixture, pedidoId: number) {
  const { pagamentos, estoque, fiscal, logistica } = fx.stores;
  return {
    pagamento: pagamentos.get<{ id: number; status: string }>("SELECT id, status FROM pagamentos WHERE pedido_id = ?", [pedidoId]),
    reserva: estoque.get<{ status: string }>("SELECT status FROM reservas WHERE pedido_id = ?", [pedidoId])?.status,
    nota: fiscal.get<{ id: number; numero: string; status: string }>("SELECT id, numero, status FROM notas_fiscais WHERE pedido_id = ?", [pedidoId]),
    envio: logistica.get<{ id: number; codigo: string; status: string }>(
      "SELECT id, codigo_rastreamento AS codigo, status FROM envios WHERE pedido_id = ?",
      [pedidoId],
    ),
  };
}

/** The (servico, status, referencia) of each etapa, without the time. */
const steps = (r: { etapas: readonly Etapa[] }) => r.etapas.map((e) => [e.servico, e.status, e.referencia]);

/** An order whose whole chain ran but whose answer never reached Pedidos: pendente, with every effect live. */
async function pendingWithEveryEffect(fx: CheckoutFixture, faults: LinkFaults, itens = [{ produtoId: 1, quantidade: 2 }]): Promise<Pedido> {
  faults.fail("pedidos", "pagamentos", "lose-reply", { method: "ProcessarPagamento" });
  const order = await fx.order(itens);
  assert.equal(order.status, "pendente");
  const e = effects(fx, order.id);
  assert.deepEqual([e.pagamento?.status, e.reserva, e.nota?.status, e.envio?.status], ["aprovado", "separado", "emitida", "aguardando_envio"]);
  return order;
}

/** The four forward calls a shipped or pending order can receive again, each straight to its service. */
function forwardCalls(fx: CheckoutFixture, order: Pedido, notaFiscalId: number) {
  const base = { pedidoId: order.id, clienteId: order.clienteId, valorCentavos: order.valorTotalCentavos };
  return {
    processarPagamento: () => fx.clients.pagamentos.processarPagamento({ ...base, metodo: order.metodoPagamento, itens: order.itens }),
    separarEstoque: () => fx.clients.estoque.separarEstoque({ ...base, itens: order.itens }),
    emitirNotaFiscal: () => fx.clients.fiscal.emitirNotaFiscal(base),
    agendarEnvio: () => fx.clients.logistica.agendarEnvio({ pedidoId: order.id, notaFiscalId }),
  } satisfies Record<string, () => Promise<ResultadoCheckout>>;
}

describe("CriarPedido with an idempotency key", () => {
  test("a repeat answers the same order and writes nothing", async () => {
    const fx = await createCheckoutFixture();
    const first = await fx.order([{ produtoId: 1, quantidade: 2 }], { chave: "pedido-ana-1" });
    assert.equal(first.status, "enviado");
    const before = dumpTables(fx.stores);
    const again = await fx.order([{ produtoId: 1, quantidade: 2 }], { chave: "pedido-ana-1" });
    assert.deepEqual(again, first);
    assert.deepEqual(dumpTables(fx.stores), before, "not even the operations log grows");
    assert.equal(fx.stores.pedidos.get<{ n: number }>("SELECT COUNT(*) AS n FROM pedidos")!.n, 1);
    assert.equal(fx.stock(1), 8);
    assertInvariants(fx.stores);
  });

  test("two concurrent calls with the same key make one order, charged once", async () => {
    const fx = await createCheckoutFixture();
    const [a, b] = await Promise.all([
      fx.order([{ produtoId: 3, quantidade: 4 }], { chave: "duplo" }),
      fx.order([{ produtoId: 3, quantidade: 4 }], { chave: "duplo" }),
    ]);
    assert.equal(a.id, b.id);
    assert.equal(fx.stores.pedidos.get<{ n: number }>("SELECT COUNT(*) AS n FROM pedidos")!.n, 1);
    assert.equal(fx.stores.pagamentos.get<{ n: number }>("SELECT COUNT(*) AS n FROM pagamentos")!.n, 1);
    assert.equal(fx.stock(3), 46);
    const order = await fx.clients.pedidos.consultarPedido({ pedidoId: a.id });
    assert.equal(order.status, "enviado");
    assert.deepEqual(
      order.historico.map((h) => h.status),
      ["pendente", "pagamento_aprovado", "em_separacao", "nf_emitida", "enviado"],
      "the history does not repeat a step",
    );
    assertInvariants(fx.stores);
  });

  test("a retry after the chain's answer was lost finishes the same order without redoing any step", async () => {
    const faults = createLinkFaults();
    const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
    faults.fail("pedidos", "pagamentos", "lose-reply", { method: "ProcessarPagamento" });
    const first = await fx.order([{ produtoId: 2, quantidade: 1 }], { chave: "k-lost" });
    assert.equal(first.status, "pendente", "an RPC error leaves the order pendente");
    const applied = effects(fx, first.id);
    const retry = await fx.order([{ produtoId: 2, quantidade: 1 }], { chave: "k-lost" });
    assert.equal(retry.id, first.id);
    assert.equal(retry.status, "enviado");
    assert.deepEqual(
      retry.historico.map((h) => h.status),
      ["pendente", "pagamento_aprovado", "em_separacao", "nf_emitida", "enviado"],
    );
    assert.deepEqual(effects(fx, first.id), { ...applied }, "same payment, reservation, invoice and shipment");
    assert.equal(fx.stock(2), 2);
    assertInvariants(fx.stores);
  });
});

describe("forward steps repeated for a shipped order", () => {
  test("each answers ok with the recorded references and writes no effect", async () => {
    const fx = await createCheckoutFixture();
    const order = await fx.order([
      { produtoId: 1, quantidade: 3 },
      { produtoId: 3, quantidade: 2 },
    ]);
    assert.equal(order.status, "enviado");
    const e = effects(fx, order.id);
    const refs = {
      pagamento: ["pagamentos", "aprovado", `pagamento ${e.pagamento!.id}`],
      reserva: ["estoque", "separado", `reserva ${order.id}`],
      nota: ["fiscal", "emitida", e.nota!.numero],
      envio: ["logistica", "aguardando_envio", e.envio!.codigo],
    };
    const before = dumpTables(fx.stores, LOG_TABLES);
    const calls = forwardCalls(fx, order, e.nota!.id);

    // Twice each, so the second repeat is also a repeat of a repeat.
    for (let round = 0; round < 2; round++) {
      const pagamento = await calls.processarPagamento();
      assert.equal(pagamento.ok, true, pagamento.motivo);
      assert.equal(pagamento.pedidoId, order.id);
      assert.deepEqual(steps(pagamento), [refs.pagamento, refs.reserva, refs.nota, refs.envio]);
      const estoque = await calls.separarEstoque();
      assert.equal(estoque.ok, true, estoque.motivo);
      assert.deepEqual(steps(estoque), [refs.reserva, refs.nota, refs.envio]);
      const fiscal = await calls.emitirNotaFiscal();
      assert.equal(fiscal.ok, true, fiscal.motivo);
      assert.deepEqual(steps(fiscal), [refs.nota, refs.envio]);
      const logistica = await calls.agendarEnvio();
      assert.equal(logistica.ok, true, logistica.motivo);
      assert.deepEqual(steps(logistica), [refs.envio]);
    }

    assert.deepEqual(dumpTables(fx.stores, LOG_TABLES), before, "no row added or changed outside the operations log");
    assert.equal(fx.stock(1), 7);
    assert.equal(fx.stock(3), 48);
    const repeats = fx.stores.logistica.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM operacoes WHERE operacao = 'AgendarEnvio' AND resultado LIKE 'repetido:%'",
    )!.n;
    assert.equal(repeats, 8, "Logistica logged every repeat it answered (4 calls reach it per round)");
    assertInvariants(fx.stores);
  });

  test("drive() on a terminal order is a no-op", async () => {
    const fx = await createCheckoutFixture();
    const shipped = await fx.order([{ produtoId: 1, quantidade: 1 }]);
    const fxRefused = await createCheckoutFixture({ approvalRate: 0 });
    const refused = await fxRefused.order([{ produtoId: 1, quantidade: 1 }]);
    assert.equal(refused.status, "cancelado");
    for (const [f, order] of [
      [fx, shipped],
      [fxRefused, refused],
    ] as const) {
      const before = dumpTables(f.stores);
      const driven = await f.services.pedidos.drive(order.id);
      assert.deepEqual(driven, order);
      assert.deepEqual(dumpTables(f.stores), before, `${order.status}: nothing written, not even an attempt`);
      assertInvariants(f.stores);
    }
  });

  test("cancel() on a shipped order changes nothing", async () => {
    const fx = await createCheckoutFixture();
    const order = await fx.order([{ produtoId: 2, quantidade: 2 }]);
    const before = dumpTables(fx.stores);
    const after = await fx.services.pedidos.cancel(order.id, "cliente desistiu");
    assert.equal(after.status, "enviado");
    assert.equal(after.motivo, "");
    assert.deepEqual(dumpTables(fx.stores), before);
    assert.equal(fx.stock(2), 1);
    assertInvariants(fx.stores);
  });
});

describe("compensations repeated", () => {
  type Compensation = "estornarPagamento" | "liberarEstoque" | "cancelarNotaFiscal" | "cancelarEnvio";
  const call = (fx: CheckoutFixture, which: Compensation, order: Pedido, motivo: string): Promise<CompensacaoResponse> => {
    const request = { pedidoId: order.id, motivo, tokenPedido: order.tokenPedido };
    switch (which) {
      case "estornarPagamento":
        return fx.clients.pagamentos.estornarPagamento(request);
      case "liberarEstoque":
        return fx.clients.estoque.liberarEstoque(request);
      case "cancelarNotaFiscal":
        return fx.clients.fiscal.cancelarNotaFiscal(request);
      case "cancelarEnvio":
        return fx.clients.logistica.cancelarEnvio(request);
    }
  };
  /** What each compensation undoes, from its own service down the chain. */
  const expected: Record<Compensation, [string, string, string, string]> = {
    estornarPagamento: ["estornado", "liberado", "cancelada", "cancelado"],
    liberarEstoque: ["aprovado", "liberado", "cancelada", "cancelado"],
    cancelarNotaFiscal: ["aprovado", "separado", "cancelada", "cancelado"],
    cancelarEnvio: ["aprovado", "separado", "emitida", "cancelado"],
  };

  for (const which of Object.keys(expected) as Compensation[]) {
    test(`${which} twice undoes once; the order then cancels cleanly`, async () => {
      const faults = createLinkFaults();
      const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
      const order = await pendingWithEveryEffect(fx, faults, [
        { produtoId: 1, quantidade: 2 },
        { produtoId: 2, quantidade: 3 },
      ]);
      const held = { p1: fx.stock(1), p2: fx.stock(2) };
      assert.deepEqual(held, { p1: 8, p2: 0 });

      const first = await call(fx, which, order, "primeiro motivo");
      const afterFirst = dumpTables(fx.stores, LOG_TABLES);
      fx.clock.advanceTo(fx.clock.now() + 60_000); // so a second write would show in the timestamps
      const second = await call(fx, which, order, "segundo motivo");
      assert.deepEqual(steps(second), steps(first), "the repeat answers what the first call did");
      assert.deepEqual(dumpTables(fx.stores, LOG_TABLES), afterFirst, "the repeat writes nothing, keeps the first reason and times");

      const e = effects(fx, order.id);
      assert.deepEqual([e.pagamento?.status, e.reserva, e.nota?.status, e.envio?.status], expected[which]);
      const released = expected[which][1] === "liberado";
      assert.deepEqual({ p1: fx.stock(1), p2: fx.stock(2) }, released ? { p1: 10, p2: 3 } : held, "stock put back at most once");

      const cancelled = await fx.services.pedidos.cancel(order.id, "cliente desistiu");
      assert.equal(cancelled.status, "cancelado");
      const end = effects(fx, order.id);
      assert.deepEqual([end.pagamento?.status, end.reserva, end.nota?.status, end.envio?.status], ["estornado", "liberado", "cancelada", "cancelado"]);
      assert.deepEqual({ p1: fx.stock(1), p2: fx.stock(2) }, { p1: 10, p2: 3 });
      assert.equal(fx.stores.pagamentos.get<{ n: number }>("SELECT COUNT(*) AS n FROM pagamentos")!.n, 1);
      const tombstones = SERVICES_WITH_TOMBSTONES.map(
        (s) => fx.stores[s].get<{ motivo: string }>("SELECT motivo FROM pedidos_cancelados WHERE pedido_id = ?", [order.id])?.motivo,
      );
      const firstService = ["estornarPagamento", "liberarEstoque", "cancelarNotaFiscal", "cancelarEnvio"].indexOf(which);
      assert.deepEqual(
        tombstones,
        tombstones.map((_, i) => (i >= firstService ? "primeiro motivo" : "cliente desistiu")),
        "each service keeps the first reason it was told",
      );
      assertInvariants(fx.stores);
    });
  }
});

const SERVICES_WITH_TOMBSTONES = ["pagamentos", "estoque", "fiscal", "logistica"] as const;

describe("tombstones", () => {
  test("after EstornarPagamento, every forward step is refused and writes no effect", async () => {
    const faults = createLinkFaults();
    const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
    faults.fail("pedidos", "pagamentos", "drop-request", { method: "ProcessarPagamento" });
    const order = await fx.order([{ produtoId: 1, quantidade: 4 }]);
    assert.equal(order.status, "pendente");
    assert.deepEqual(effects(fx, order.id), { pagamento: undefined, reserva: undefined, nota: undefined, envio: undefined });

    const undone = await fx.clients.pagamentos.estornarPagamento({ pedidoId: order.id, motivo: "cliente desistiu", tokenPedido: order.tokenPedido });
    assert.deepEqual(undone.etapas, [], "nothing to undo anywhere");
    const before = dumpTables(fx.stores, LOG_TABLES);

    // Late duplicates of every forward call (notaFiscalId 1 as a retransmitted AgendarEnvio would carry it).
    for (const [name, forward] of Object.entries(forwardCalls(fx, order, 1))) {
      const result = await forward();
      assert.equal(result.ok, false, name);
      assert.match(result.motivo, /cancelado/, name);
      assert.match(result.motivo, /cliente desistiu/, name);
    }
    assert.deepEqual(dumpTables(fx.stores, LOG_TABLES), before, "no payment, reservation, invoice or shipment");
    assert.equal(fx.stock(1), 10);

    // Re-driving the order now meets the tombstone at Pagamentos and cancels it, with the reason.
    const driven = await fx.services.pedidos.drive(order.id);
    assert.equal(driven.status, "cancelado");
    assert.match(driven.motivo, /cancelado: cliente desistiu/);
    assert.deepEqual(effects(fx, order.id), { pagamento: undefined, reserva: undefined, nota: undefined, envio: undefined });
    assertInvariants(fx.stores);
  });

  test("a tombstone at Logistica alone makes the re-driven chain unwind every step upstream", async () => {
    const faults = createLinkFaults();
    const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
    faults.fail("fiscal", "logistica", "drop-request", { method: "AgendarEnvio" });
    const order = await fx.order([{ produtoId: 3, quantidade: 5 }]);
    assert.equal(order.status, "pendente");
    const e = effects(fx, order.id);
    assert.deepEqual([e.pagamento?.status, e.reserva, e.nota?.status, e.envio], ["aprovado", "separado", "emitida", undefined]);

    await fx.clients.logistica.cancelarEnvio({ pedidoId: order.id, motivo: "transportadora indisponível", tokenPedido: order.tokenPedido });
    const refused = await fx.clients.logistica.agendarEnvio({ pedidoId: order.id, notaFiscalId: e.nota!.id });
    assert.equal(refused.ok, false);
    assert.match(refused.motivo, /cancelado/);
    assert.equal(effects(fx, order.id).envio, undefined, "no shipment row");

    const driven = await fx.services.pedidos.drive(order.id);
    assert.equal(driven.status, "cancelado");
    assert.match(driven.motivo, /cancelado: transportadora indisponível/);
    const end = effects(fx, order.id);
    assert.deepEqual([end.pagamento?.status, end.reserva, end.nota?.status, end.envio], ["estornado", "liberado", "cancelada", undefined]);
    assert.equal(fx.stock(3), 50);
    assertInvariants(fx.stores);
  });
});

describe("tombstones and the order's token", () => {
  /** An order whose ProcessarPagamento was lost: pending, with no effect anywhere yet. */
  async function pendingWithNoEffect(): Promise<{ fx: CheckoutFixture; order: Pedido }> {
    const faults = createLinkFaults();
    const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
    faults.fail("pedidos", "pagamentos", "drop-request", { method: "ProcessarPagamento" });
    const order = await fx.order([{ produtoId: 1, quantidade: 4 }]);
    assert.equal(order.status, "pendente");
    assert.match(order.tokenPedido, new RegExp(`^${order.id}@`));
    return { fx, order };
  }

  /** Pedido 1 (2 of product 1) placed, its chain's call from `from` to `to` held on the link. */
  async function orderHeldOn(from: ServiceName, to: ServiceName) {
    const faults = createLinkFaults();
    const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
    const held = faults.hold(from, to);
    const placing = fx.order([{ produtoId: 1, quantidade: 2 }]);
    await held.reached;
    return { fx, held, placing };
  }

  test("a compensation without a token, for an order no service holds an effect of, fences nothing: the order still ships", async () => {
    const { fx, order } = await pendingWithNoEffect();
    const undone = await fx.clients.pagamentos.estornarPagamento({ pedidoId: order.id, motivo: "sem token" });
    assert.deepEqual(undone.etapas, []);
    for (const s of SERVICES_WITH_TOMBSTONES) assert.equal(fx.stores[s].get("SELECT 1 FROM pedidos_cancelados"), undefined, s);
    assert.equal((await fx.services.pedidos.drive(order.id)).status, "enviado");
    assertInvariants(fx.stores);
  });

  test("a compensation without a token that finds nothing returns at once and sends nothing on: the held charge then ships the order whole", async () => {
    const { fx, held: charge, placing } = await orderHeldOn("pedidos", "pagamentos");
    // Had it gone on to Estoque, its undo back here would refund the charge about to be made.
    assert.deepEqual((await fx.clients.pagamentos.estornarPagamento({ pedidoId: 1, motivo: "engano" })).etapas, []);
    const liberar = fx.stores.estoque.get<{ n: number }>("SELECT COUNT(*) AS n FROM operacoes WHERE operacao = 'LiberarEstoque'")!.n;
    assert.equal(liberar, 0, "nothing sent down the chain");
    charge.release();
    assert.equal((await placing).status, "enviado");
    assert.equal(fx.stores.pagamentos.get<{ status: string }>("SELECT status FROM pagamentos WHERE pedido_id = 1")!.status, "aprovado");
    assertInvariants(fx.stores);
  });

  test("a compensation without a token that finds the charge fences the rest of the chain: the SepararEstoque on its way is refused", async () => {
    const { fx, held, placing } = await orderHeldOn("pagamentos", "estoque");
    const undone = await fx.clients.pagamentos.estornarPagamento({ pedidoId: 1, motivo: "operador" });
    assert.deepEqual(steps(undone), [["pagamentos", "estornado", "pagamento 1"]]);
    for (const s of SERVICES_WITH_TOMBSTONES) {
      assert.equal(fx.stores[s].get<{ motivo: string }>("SELECT motivo FROM pedidos_cancelados WHERE pedido_id = 1")?.motivo, "operador", s);
    }
    held.release();
    const order = await placing;
    assert.equal(order.status, "cancelado");
    assert.match(order.motivo, /pedido cancelado: operador/);
    assert.equal(fx.stock(1), 10, "nothing reserved");
    assertInvariants(fx.stores);
  });

  test("Pedidos's own cancel carries the token: the lost ProcessarPagamento, arriving late, is refused, whatever later compensations say", async () => {
    const { fx, order } = await pendingWithNoEffect();
    assert.equal((await fx.services.pedidos.cancel(order.id, "cliente desistiu")).status, "cancelado");
    await fx.clients.pagamentos.estornarPagamento({ pedidoId: order.id, motivo: "outro", tokenPedido: `${order.id}@0` });
    await fx.clients.pagamentos.estornarPagamento({ pedidoId: order.id, motivo: "outro" });
    const late = await forwardCalls(fx, order, 1).processarPagamento();
    assert.equal(late.ok, false);
    assert.match(late.motivo, /pedido cancelado: cliente desistiu/);
    assert.equal(fx.stores.pagamentos.get("SELECT 1 FROM pagamentos"), undefined, "never charged");
    assertInvariants(fx.stores);
  });
});

describe("PedidosService.cancel()", () => {
  test("on a pending order compensates fully; repeats, re-drives and late forward calls change nothing", async () => {
    const faults = createLinkFaults();
    const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
    const order = await pendingWithEveryEffect(fx, faults, [{ produtoId: 4, quantidade: 1 }]);
    assert.equal(fx.stock(4), 0);
    const notaId = effects(fx, order.id).nota!.id;

    const cancelled = await fx.services.pedidos.cancel(order.id, "cliente desistiu");
    assert.equal(cancelled.status, "cancelado");
    assert.equal(cancelled.motivo, "cliente desistiu");
    assert.deepEqual(cancelled.historico.at(-1), { pedidoId: order.id, status: "cancelado", motivo: "cliente desistiu", emMs: fx.clock.now() });
    const e = effects(fx, order.id);
    assert.deepEqual([e.pagamento?.status, e.reserva, e.nota?.status, e.envio?.status], ["estornado", "liberado", "cancelada", "cancelado"]);
    assert.equal(fx.stock(4), 1);
    assertInvariants(fx.stores);

    const before = dumpTables(fx.stores);
    assert.deepEqual(await fx.services.pedidos.cancel(order.id, "outro motivo"), cancelled);
    assert.deepEqual(await fx.services.pedidos.drive(order.id), cancelled);
    assert.deepEqual(dumpTables(fx.stores), before, "cancel() and drive() on a cancelled order write nothing");

    const effectsBefore = dumpTables(fx.stores, LOG_TABLES);
    for (const [name, forward] of Object.entries(forwardCalls(fx, order, notaId))) {
      const result = await forward();
      assert.equal(result.ok, false, name);
      assert.match(result.motivo, /cancelado/, name);
    }
    assert.deepEqual(dumpTables(fx.stores, LOG_TABLES), effectsBefore, "late forward calls apply nothing");
    assert.equal(fx.stock(4), 1);
    assertInvariants(fx.stores);
  });
});

describe("PedidosService.cancel() interrupted", () => {
  for (const fault of ["drop-request", "lose-reply"] as const) {
    test(`(${fault} on EstornarPagamento) stays requested; the next drive() finishes it with the first reason`, async () => {
      const faults = createLinkFaults();
      const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
      const order = await pendingWithEveryEffect(fx, faults, [{ produtoId: 2, quantidade: 3 }]);
      faults.fail("pedidos", "pagamentos", fault, { method: "EstornarPagamento" });
      const interrupted = await fx.services.pedidos.cancel(order.id, "cliente desistiu");
      assert.equal(interrupted.status, "pendente", "the outcome is unknown, so the order is not terminal yet");
      assert.deepEqual(fx.services.pedidos.orderAge(order.id).cancelRequested, true);

      const driven = await fx.services.pedidos.drive(order.id);
      assert.equal(driven.status, "cancelado", "a re-drive of a cancel-requested order cancels, it does not ship");
      assert.equal(driven.motivo, "cliente desistiu");
      assert.deepEqual(
        driven.historico.map((h) => h.status),
        ["pendente", "cancelado"],
      );
      const e = effects(fx, order.id);
      assert.deepEqual([e.pagamento?.status, e.reserva, e.nota?.status, e.envio?.status], ["estornado", "liberado", "cancelada", "cancelado"]);
      assert.equal(fx.stock(2), 3);
      assertInvariants(fx.stores);
    });
  }
});

describe("document numbers", () => {
  test("invoice numbers are gap-free 1..n, access keys and tracking codes are valid, across cancellations", async () => {
    const faults = createLinkFaults();
    const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      if (i % 4 === 1) {
        // Invoiced and shipped, then cancelled: the invoice number stays used.
        const pending = await pendingWithEveryEffect(fx, faults, [{ produtoId: 3, quantidade: 1 }]);
        outcomes.push((await fx.services.pedidos.cancel(pending.id, "cliente desistiu")).status);
      } else if (i % 4 === 3) {
        // Out of stock: refused before Fiscal, so no number is consumed.
        outcomes.push((await fx.order([{ produtoId: 4, quantidade: 2 }])).status);
      } else {
        outcomes.push((await fx.order([{ produtoId: 3, quantidade: 1 }], { clienteId: 1 + (i % 3) })).status);
      }
    }
    assert.deepEqual(outcomes.filter((s) => s === "cancelado").length, 6);

    const notas = fx.stores.fiscal.all<{ numero: string; chave_acesso: string; status: string }>(
      "SELECT numero, chave_acesso, status FROM notas_fiscais ORDER BY id",
    );
    assert.equal(notas.length, 9, "6 shipped + 3 cancelled after invoicing");
    assert.deepEqual(
      notas.map((n) => n.numero),
      notas.map((_, i) => String(i + 1).padStart(9, "0")),
    );
    assert.equal(notas.filter((n) => n.status === "cancelada").length, 3);
    for (const n of notas) {
      assert.ok(isValidChaveAcesso(n.chave_acesso), `chave ${n.chave_acesso}`);
      assert.equal(n.chave_acesso.slice(25, 34), n.numero, "the key carries the invoice number (nNF)");
    }
    const codigos = fx.stores.logistica.all<{ codigo: string }>("SELECT codigo_rastreamento AS codigo FROM envios ORDER BY id");
    assert.equal(codigos.length, 9);
    for (const { codigo } of codigos) assert.ok(isValidCodigoRastreamento(codigo), codigo);
    assert.equal(new Set(codigos.map((c) => c.codigo)).size, codigos.length);
    assertInvariants(fx.stores);
    assert.deepEqual(fx.unexpectedErrors, []);
  });
});

describe("cancel() racing the chain", () => {
  const LINKS = [
    ["pedidos", "pagamentos"],
    ["pagamentos", "estoque"],
    ["estoque", "fiscal"],
    ["fiscal", "logistica"],
  ] as const;

  for (const [from, to] of LINKS) {
    test(`a cancel while the forward call ${from} -> ${to} is in flight wins; the late call unwinds and applies nothing`, async () => {
      const faults = createLinkFaults();
      const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
      const gate = faults.hold(from, to);
      const placing = fx.order([
        { produtoId: 2, quantidade: 2 },
        { produtoId: 3, quantidade: 1 },
      ]);
      const held = await gate.reached;
      const pedidoId = (held.message as { pedidoId: number }).pedidoId;

      const cancelled = await fx.services.pedidos.cancel(pedidoId, "cliente desistiu");
      assert.equal(cancelled.status, "cancelado");
      gate.release();
      const placed = await placing;
      assert.equal(placed.status, "cancelado");
      assert.equal(placed.motivo, "cliente desistiu");
      assert.deepEqual(
        placed.historico.map((h) => h.status),
        ["pendente", "cancelado"],
      );

      const e = effects(fx, pedidoId);
      assert.ok(e.pagamento === undefined || e.pagamento.status === "estornado", JSON.stringify(e));
      assert.ok(e.reserva === undefined || e.reserva === "liberado", JSON.stringify(e));
      assert.ok(e.nota === undefined || e.nota.status === "cancelada", JSON.stringify(e));
      assert.ok(e.envio === undefined || e.envio.status === "cancelado", JSON.stringify(e));
      assert.deepEqual([fx.stock(2), fx.stock(3)], [3, 50]);
      assertInvariants(fx.stores);
      assert.deepEqual(fx.unexpectedErrors, []);
    });
  }

  test("a re-drive while a cancellation is in flight finishes the cancellation instead; the order is cancelled once", async () => {
    const faults = createLinkFaults();
    const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
    const order = await pendingWithEveryEffect(fx, faults, [{ produtoId: 1, quantidade: 5 }]);
    const gate = faults.hold("pagamentos", "estoque"); // catches the cascade's LiberarEstoque
    const cancelling = fx.services.pedidos.cancel(order.id, "cliente desistiu");
    await gate.reached;

    const late = await fx.clients.pagamentos.processarPagamento({
      pedidoId: order.id,
      clienteId: order.clienteId,
      valorCentavos: order.valorTotalCentavos,
      metodo: order.metodoPagamento,
      itens: order.itens,
    });
    assert.equal(late.ok, false, "Pagamentos is already tombstoned");

    const driven = await fx.services.pedidos.drive(order.id);
    assert.equal(driven.status, "cancelado");
    gate.release();
    const cancelled = await cancelling;
    assert.equal(cancelled.status, "cancelado");
    assert.equal(cancelled.motivo, "cliente desistiu");
    assert.deepEqual(
      cancelled.historico.map((h) => h.status),
      ["pendente", "cancelado"],
      "one cancelado entry",
    );
    const e = effects(fx, order.id);
    assert.deepEqual([e.pagamento?.status, e.reserva, e.nota?.status, e.envio?.status], ["estornado", "liberado", "cancelada", "cancelado"]);
    assert.equal(fx.stock(1), 10);
    assertInvariants(fx.stores);
  });
});
