/**
 * The seed's REST surface for the checkout, mapped onto the same router
 * handlers as the RPC surface (no logic of its own beyond shaping JSON):
 *
 * | route                               | RPC                          | success |
 * |-------------------------------------|------------------------------|---------|
 * | GET  /produtos                      | Catalogo.ListarProdutos      | 200, bare `[{"id","nome","estoque"}]` |
 * | POST /pedidos                       | Pedidos.CriarPedido          | 201, the order |
 * | GET  /pedidos/{pedido_id}           | Pedidos.ConsultarPedido      | 200, the order |
 * | GET  /pedidos/{pedido_id}/acompanhar| Pedidos.AcompanharPedido     | NDJSON stream (SSE with `accept: text/event-stream`) |
 * | POST /pagamentos                    | Pagamentos.ProcessarPagamento| 200 |
 * | POST /estoque/separar               | Estoque.SepararEstoque       | 200 |
 * | POST /notas-fiscais                 | Fiscal.EmitirNotaFiscal      | 200 |
 * | POST /envios                        | Logistica.AgendarEnvio       | 200 |
 *
 * Bodies are the request messages in JSON, field names in snake_case (as in
 * the .proto and the seed) or proto JSON camelCase. Answers are proto JSON
 * (camelCase) with every field present, defaults included.
 */
import { CatalogoDefinition } from "../../gen/ecommerce/v1/catalogo.js";
import { EstoqueDefinition } from "../../gen/ecommerce/v1/estoque.js";
import { FiscalDefinition } from "../../gen/ecommerce/v1/fiscal.js";
import { LogisticaDefinition } from "../../gen/ecommerce/v1/logistica.js";
import { PagamentosDefinition } from "../../gen/ecommerce/v1/pagamentos.js";
import { PedidosDefinition } from "../../gen/ecommerce/v1/pedidos.js";
import { idParam, restRoute, type RestRoutes } from "./rest.js";

/** The checkout's REST routes, for `createHttpServer(router, { rest: checkoutRestRoutes() })`. */
export function checkoutRestRoutes(): RestRoutes {
  const pedidos = PedidosDefinition.methods;
  return [
    restRoute(CatalogoDefinition, CatalogoDefinition.methods.listarProdutos, {
      verb: "GET",
      pattern: "/produtos",
      // Exactly the seed's shape: a bare array of {id, nome, estoque}, zeros included.
      response: (message) => message.produtos.map(({ id, nome, estoque }) => ({ id, nome, estoque })),
    }),
    restRoute(PedidosDefinition, pedidos.criarPedido, { verb: "POST", pattern: "/pedidos", status: 201 }),
    restRoute(PedidosDefinition, pedidos.consultarPedido, {
      verb: "GET",
      pattern: "/pedidos/:pedido_id",
      request: ({ params }) => ({ pedidoId: idParam(params, "pedido_id") }),
    }),
    restRoute(PedidosDefinition, pedidos.acompanharPedido, {
      verb: "GET",
      pattern: "/pedidos/:pedido_id/acompanhar",
      request: ({ params }) => ({ pedidoId: idParam(params, "pedido_id") }),
    }),
    restRoute(PagamentosDefinition, PagamentosDefinition.methods.processarPagamento, { verb: "POST", pattern: "/pagamentos" }),
    restRoute(EstoqueDefinition, EstoqueDefinition.methods.separarEstoque, { verb: "POST", pattern: "/estoque/separar" }),
    restRoute(FiscalDefinition, FiscalDefinition.methods.emitirNotaFiscal, { verb: "POST", pattern: "/notas-fiscais" }),
    restRoute(LogisticaDefinition, LogisticaDefinition.methods.agendarEnvio, { verb: "POST", pattern: "/envios" }),
  ];
}
