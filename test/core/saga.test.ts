import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { StatusPedido } from "../../src/gen/ecommerce/v1/pedidos.js";
import { Code } from "../../src/transports/index.js";
import { TERMINAL_STATUSES } from "../../src/core/vocabulary.js";
import {
  assertInvariants,
  collect,
  createCheckoutFixture,
  createLinkFaults,
  dumpTables,
  expectRpcError,
  FIXTURE_CATALOG,
  type CheckoutFixture,
} from "./fixture.js";

const HAPPY_PATH = ["pendente", "pagamento_aprovado", "em_separacao", "nf_emitida", "enviado"];

function rowsFor(fx: CheckoutFixture, pedidoId: number) {
  const { pagamentos, estoque, fiscal, logistica } = fx.stores;
  return {
    pagamentos: pagamentos.all<{ status: string; motivo: string | null }>("SELECT status, motivo FROM pagamentos WHERE pedido_id = ?", [pedidoId]),
    reservas: estoque.all<{ status: string; motivo: string | null }>("SELECT status, motivo FROM reservas WHERE pedido_id = ?", [pedidoId]),
    itensReserva: estoque.all("SELECT * FROM itens_reserva WHERE pedido_id = ?", [pedidoId]),
    notas: fiscal.all("SELECT * FROM notas_fiscais WHERE pedido_id = ?", [pedidoId]),
    envios: logistica.all("SELECT * FROM envios WHERE pedido_id = ?", [pedidoId]),
  };
}

const statuses = (h: readonly StatusPedido[]) => h.map((s) => s.status);

describe("business refusals compensate upstream", () => {
  test("a refused payment cancels the order with its reason; nothing is reserved", async () => {
    const fx = await createCheckoutFixture({ approvalRate: 0 });
    const order = await fx.order([{ produtoId: 1, quantidade: 2 }], { metodo: "cartao_credito" });
    assert.equal(order.status, "cancelado");
    assert.match(order.motivo, /pagamento rejeitado/);
    assert.deepEqual(statuses(order.historico), ["pendente", "cancelado"]);
    assert.equal(order.historico.at(-1)!.motivo, order.motivo);
    const rows = rowsFor(fx, order.id);
    assert.deepEqual(rows.pagamentos.map((p) => p.status), ["rejeitado"]);
    assert.deepEqual([rows.reservas, rows.itensReserva, rows.notas, rows.envios], [[], [], [], []]);
    assert.equal(fx.stock(1), 10);
    assertInvariants(fx.stores);
  });

  test("a basket exceeding stock refunds the payment, refuses the reservation and names the product", async () => {
    const fx = await createCheckoutFixture();
    const order = await fx.order([
      { produtoId: 1, quantidade: 2 },
      { produtoId: 4, quantidade: 2 }, // only 1 in stock
    ]);
    assert.equal(order.status, "cancelado");
    assert.match(order.motivo, /estoque insuficiente/);
    assert.match(order.motivo, /produto 4\b/);
    assert.deepEqual(statuses(order.historico), ["pendente", "cancelado"]);
    const rows = rowsFor(fx, order.id);
    assert.deepEqual(rows.pagamentos.map((p) => p.status), ["estornado"]);
    assert.match(rows.pagamentos[0]!.motivo ?? "", /produto 4\b/, "the refund records why");
    assert.deepEqual(rows.reservas.map((r) => r.status), ["recusado"]);
    assert.deepEqual([rows.itensReserva, rows.notas, rows.envios], [[], [], []], "all or nothing: not even produto 1 is held");
    assert.deepEqual([fx.stock(1), fx.stock(4)], [10, 1]);
    assertInvariants(fx.stores);
  });

  test("two concurrent orders for the last units: one ships, the other is cancelled and refunded", async () => {
    const fx = await createCheckoutFixture();
    const [a, b] = await Promise.all([
      fx.order([{ produtoId: 2, quantidade: 2 }], { clienteId: 1 }),
      fx.order([{ produtoId: 2, quantidade: 2 }], { clienteId: 2 }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), ["cancelado", "enviado"]);
    assert.equal(fx.stock(2), 1);
    assertInvariants(fx.stores);
  });
});

describe("an order totalling R$ 0,00", () => {
  test(
    "(a basket of free products) is refused up front or ends terminal, never stuck pendente",
    async () => {
      const catalog = { ...FIXTURE_CATALOG, produtos: [...FIXTURE_CATALOG.produtos, { id: 5, nome: "Brinde", precoCentavos: 0, estoque: 5 }] };
      const fx = await createCheckoutFixture({ catalog });
      const before = dumpTables(fx.stores);
      const outcome = await fx.order([{ produtoId: 5, quantidade: 1 }]).then(
        (order) => ({ order }),
        (error: unknown) => ({ error }),
      );
      if ("error" in outcome) {
        await expectRpcError(() => Promise.reject(outcome.error), Code.INVALID_ARGUMENT, /itens|valor/);
        assert.deepEqual(dumpTables(fx.stores), before, "a refusal writes nothing");
      } else {
        assert.ok(TERMINAL_STATUSES.has(outcome.order.status), `order left ${outcome.order.status}`);
        assertInvariants(fx.stores);
      }
    },
  );
});

describe("a successful order", () => {
  test("walks pendente -> pagamento_aprovado -> em_separacao -> nf_emitida -> enviado", async () => {
    const fx = await createCheckoutFixture();
    const placed = await fx.order([
      { produtoId: 1, quantidade: 1 },
      { produtoId: 3, quantidade: 4 },
    ]);
    assert.equal(placed.status, "enviado");
    assert.equal(placed.motivo, "");
    assert.equal(placed.valorTotalCentavos, 2590 + 4 * 1250);
    assert.deepEqual(
      placed.itens.map((i) => [i.produtoId, i.quantidade, i.precoUnitarioCentavos]),
      [
        [1, 1, 2590],
        [3, 4, 1250],
      ],
      "unit prices come from the catalog",
    );
    const read = await fx.clients.pedidos.consultarPedido({ pedidoId: placed.id });
    assert.deepEqual(read, placed);
    assert.deepEqual(statuses(read.historico), HAPPY_PATH);
    assert.ok(read.historico.every((h) => h.pedidoId === placed.id && h.motivo === ""));
    const rows = rowsFor(fx, placed.id);
    assert.deepEqual(
      [rows.pagamentos.length, rows.reservas.length, rows.notas.length, rows.envios.length],
      [1, 1, 1, 1],
    );
    assertInvariants(fx.stores);
  });
});

describe("AcompanharPedido", () => {
  test("on a finished order streams the whole history, then ends", async () => {
    const fx = await createCheckoutFixture();
    const shipped = await fx.order([{ produtoId: 1, quantidade: 1 }]);
    assert.deepEqual(await collect(fx.clients.pedidos.acompanharPedido({ pedidoId: shipped.id })), shipped.historico);

    const fxRefused = await createCheckoutFixture({ approvalRate: 0 });
    const refused = await fxRefused.order([{ produtoId: 1, quantidade: 1 }]);
    const stream = await collect(fxRefused.clients.pedidos.acompanharPedido({ pedidoId: refused.id }));
    assert.deepEqual(statuses(stream), ["pendente", "cancelado"]);
    assert.match(stream.at(-1)!.motivo, /pagamento rejeitado/);
  });

  test("opened while the order is in flight, it follows every change up to enviado", async () => {
    const faults = createLinkFaults();
    const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
    const gate = faults.hold("pedidos", "pagamentos");
    const placing = fx.order([{ produtoId: 2, quantidade: 1 }]);
    const held = await gate.reached;
    const pedidoId = (held.message as { pedidoId: number }).pedidoId;

    const seen: StatusPedido[] = [];
    const stream = fx.clients.pedidos.acompanharPedido({ pedidoId })[Symbol.asyncIterator]();
    const first = await stream.next();
    assert.equal(first.done, false);
    seen.push(first.value as StatusPedido);
    assert.deepEqual(statuses(seen), ["pendente"], "only pendente so far: the chain is held");

    gate.release();
    for (let r = await stream.next(); !r.done; r = await stream.next()) seen.push(r.value);
    const placed = await placing;
    assert.equal(placed.status, "enviado");
    assert.deepEqual(statuses(seen), HAPPY_PATH);
    assert.deepEqual(seen, placed.historico);
    assertInvariants(fx.stores);
  });

  test("opened while the order is in flight, it ends at cancelado when the order is cancelled", async () => {
    const faults = createLinkFaults();
    const fx = await createCheckoutFixture({ interceptors: faults.interceptors });
    faults.fail("pedidos", "pagamentos", "lose-reply", { method: "ProcessarPagamento" });
    const pending = await fx.order([{ produtoId: 3, quantidade: 1 }]);
    assert.equal(pending.status, "pendente");

    const stream = fx.clients.pedidos.acompanharPedido({ pedidoId: pending.id })[Symbol.asyncIterator]();
    const seen: StatusPedido[] = [];
    const first = await stream.next();
    assert.equal(first.done, false);
    seen.push(first.value as StatusPedido);
    const waiting = stream.next(); // the handler has yielded everything and now waits for a change
    await fx.services.pedidos.cancel(pending.id, "cliente desistiu");
    for (let r = await waiting; !r.done; r = await stream.next()) seen.push(r.value);
    assert.deepEqual(statuses(seen), ["pendente", "cancelado"]);
    assert.equal(seen.at(-1)!.motivo, "cliente desistiu");
    assertInvariants(fx.stores);
  });

  test("on an unknown order fails NOT_FOUND", async () => {
    const fx = await createCheckoutFixture();
    await expectRpcError(() => collect(fx.clients.pedidos.acompanharPedido({ pedidoId: 42 })), Code.NOT_FOUND, /pedido 42/);
  });
});

describe("ListarProdutos", () => {
  test("answers [{id, nome, estoque}] with live stock", async () => {
    const fx = await createCheckoutFixture();
    const initial = await fx.clients.catalogo.listarProdutos({});
    assert.deepEqual(initial.produtos, [
      { id: 1, nome: "Caneca", estoque: 10 },
      { id: 2, nome: "Camiseta", estoque: 3 },
      { id: 3, nome: "Caderno", estoque: 50 },
      { id: 4, nome: "Fone de ouvido", estoque: 1 },
    ]);
    await fx.order([{ produtoId: 1, quantidade: 3 }, { produtoId: 4, quantidade: 1 }]);
    await fx.order([{ produtoId: 2, quantidade: 5 }]); // refused: out of stock, nothing held
    await fx.order([{ produtoId: 2, quantidade: 2 }, { produtoId: 3, quantidade: 10 }]);
    const after = await fx.clients.catalogo.listarProdutos({});
    assert.deepEqual(after.produtos, [
      { id: 1, nome: "Caneca", estoque: 7 },
      { id: 2, nome: "Camiseta", estoque: 1 },
      { id: 3, nome: "Caderno", estoque: 40 },
      { id: 4, nome: "Fone de ouvido", estoque: 0 },
    ]);
    assert.deepEqual(
      Object.keys(after.produtos[0]!).sort(),
      ["estoque", "id", "nome"],
      "exactly the seed's fields",
    );
    assertInvariants(fx.stores);
  });
});
