/**
 * Per-operation costs with tinybench: protobuf vs proto3 JSON for checkout
 * messages as the services send them (a basket of three items, a payment, an
 * order with its status history, the seed's 30-product catalog), and the sql.js
 * statements the services run, on databases a seeded checkout has filled.
 */
import { Bench } from "tinybench";
import { ListaProdutosResponse } from "../src/gen/ecommerce/v1/catalogo.js";
import { ProcessarPagamentoRequest } from "../src/gen/ecommerce/v1/pagamentos.js";
import { CriarPedidoRequest, Pedido } from "../src/gen/ecommerce/v1/pedidos.js";
import { nextNumeroNota } from "../src/core/fiscal/fiscal-store.js";
import { NON_TERMINAL_STATUSES, sqlList } from "../src/core/vocabulary.js";
import { generateCatalog } from "../src/data/synthetic.js";
import { runCheckout } from "../src/sim/checkout-run.js";
import { systemClock } from "../src/transports/system-clock.js";
import type { MessageType } from "../src/transports/definition.js";
import { decodeMessage, encodeMessage } from "../src/transports/message-bytes.js";

/** One measured operation. */
export interface MicroResult {
  readonly group: "codec" | "sql";
  readonly name: string;
  /** Mean µs per operation. */
  readonly us: number;
  /** Encoded size in bytes (codec rows). */
  readonly bytes?: number;
}

/** Runs the codec and sql.js benches, `timeMs` per task. */
export async function microbenchmarks(timeMs: number): Promise<MicroResult[]> {
  const { stores } = await runCheckout({ seed: 1, orders: 300, concurrency: 8, transport: "inproc", wallClock: systemClock });
  const catalog = generateCatalog(1);
  const statuses = ["pendente", "pagamento_aprovado", "em_separacao", "nf_emitida", "enviado"];
  const pedido = Pedido.fromPartial({
    id: 301,
    clienteId: 7,
    status: "enviado",
    valorTotalCentavos: 45_990,
    metodoPagamento: "pix",
    criadoEmMs: 1_735_689_600_000,
    itens: [1, 2, 3].map((i) => ({ produtoId: i, quantidade: i, precoUnitarioCentavos: 1999 * i })),
    historico: statuses.map((status, i) => ({ status, emMs: 1_735_689_600_000 + i * 7 })),
  });
  const messages: [string, MessageType<unknown>, unknown][] = [
    ["CriarPedidoRequest", CriarPedidoRequest as MessageType<unknown>, CriarPedidoRequest.fromPartial({ clienteId: 7, metodoPagamento: "pix", chaveIdempotencia: "workload-1", itens: [1, 2, 3].map((i) => ({ produtoId: i, quantidade: i })) })],
    ["ProcessarPagamentoRequest", ProcessarPagamentoRequest as MessageType<unknown>, ProcessarPagamentoRequest.fromPartial({ pedidoId: 123456, clienteId: 42, valorCentavos: 1_234_567, metodo: "cartao_credito", itens: [1, 2, 3].map((i) => ({ produtoId: i, quantidade: i, precoUnitarioCentavos: 1999 * i })) })],
    ["Pedido", Pedido as MessageType<unknown>, pedido],
    ["ListaProdutosResponse (30 products)", ListaProdutosResponse as MessageType<unknown>, ListaProdutosResponse.fromPartial({ produtos: catalog.produtos.map((p) => ({ id: p.id, nome: p.nome, estoque: p.estoque })) })],
  ];
  const sizes = new Map<string, number>();
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(50, timeMs / 2) });
  for (const [name, type, message] of messages) {
    const bytes = type.encode(message).finish();
    const json = JSON.stringify(type.toJSON(message));
    sizes.set(`protobuf encode ${name}`, bytes.length).set(`protobuf decode ${name}`, bytes.length);
    sizes.set(`proto3 JSON encode ${name}`, Buffer.byteLength(json)).set(`proto3 JSON decode ${name}`, Buffer.byteLength(json));
    bench
      .add(`protobuf encode ${name}`, () => void encodeMessage(type, message))
      .add(`protobuf decode ${name}`, () => void decodeMessage(type, bytes))
      .add(`proto3 JSON encode ${name}`, () => void JSON.stringify(type.toJSON(message)))
      .add(`proto3 JSON decode ${name}`, () => void type.fromJSON(JSON.parse(json)));
  }
  const sqlNames = new Set<string>();
  const sql = (name: string, fn: () => void) => (sqlNames.add(name), bench.add(name, fn));
  let reserva = 1_000_000;
  const orders = stores.pedidos.get<{ n: number }>("SELECT COUNT(*) AS n FROM pedidos")!.n;
  sql("Pedidos: find an order by idempotency key", () => void stores.pedidos.get("SELECT * FROM pedidos WHERE chave_idempotencia = ?", [`workload-${reserva % orders}`]));
  sql("Pedidos: count non-terminal orders (status index)", () => void stores.pedidos.get(`SELECT COUNT(*) AS n FROM pedidos WHERE status IN ${sqlList(NON_TERMINAL_STATUSES)}`));
  sql("Estoque: reserve 3 items (one transaction)", () =>
    stores.estoque.tx(() => {
      const pedidoId = ++reserva;
      stores.estoque.run("INSERT INTO reservas (pedido_id, status, motivo, criado_em, atualizado_em) VALUES (?, 'separado', NULL, ?, ?)", [pedidoId, "2025-01-01", "2025-01-01"]);
      for (const produtoId of [1, 2, 3]) {
        stores.estoque.run("UPDATE estoque SET quantidade = quantidade - 0 WHERE produto_id = ?", [produtoId]);
        stores.estoque.run("INSERT INTO itens_reserva (pedido_id, produto_id, quantidade) VALUES (?, ?, 1)", [pedidoId, produtoId]);
      }
    }),
  );
  sql("Fiscal: next invoice number (MAX over the numero index)", () => void nextNumeroNota(stores.fiscal));
  sql("Catalogo: list products", () => void stores.catalogo.all("SELECT id, nome, preco_centavos FROM produtos ORDER BY id"));
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result as { latency?: { mean: number }; error?: unknown } | undefined;
    if (!result?.latency) throw new Error(`bench task ${task.name} failed: ${String(result?.error)}`);
    const bytes = sizes.get(task.name);
    return { group: sqlNames.has(task.name) ? "sql" : "codec", name: task.name, us: result.latency.mean * 1000, ...(bytes !== undefined ? { bytes } : {}) };
  });
}
