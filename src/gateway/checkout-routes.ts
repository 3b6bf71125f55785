import type { CatalogoDefinition } from "../gen/ecommerce/v1/catalogo.js";
import type { ClientOf } from "../transports/client.js";
import { checkoutRestRoutes } from "../transports/http/checkout-rest.js";
import { localRoute, type GatewayRoute } from "./routes.js";

/** A customer the page can place an order for. */
export interface Cliente {
  readonly id: number;
  readonly nome: string;
  readonly email: string;
}

/** What the checkout routes call besides the REST surface's own RPCs. */
export interface CheckoutRouteDeps {
  readonly catalogo: ClientOf<typeof CatalogoDefinition>;
  /** The customers (no RPC lists them; the seed's REST surface has none either). Default: the route answers 404. */
  readonly clientes?: () => readonly Cliente[];
  /** Deadline of the calls of local routes, ms from now. */
  readonly deadline: () => number;
}

/**
 * The seed's REST surface (`GET /produtos`, `POST /pedidos`, `GET
 * /pedidos/{id}`, `GET /pedidos/{id}/acompanhar`, `POST /pagamentos`, `POST
 * /estoque/separar`, `POST /notas-fiscais`, `POST /envios`), the very routes
 * the HTTP transport serves, here called on the services through clients;
 * plus `GET /catalogo` (products with price and stock, for the page) and
 * `GET /clientes`.
 */
export function checkoutRoutes(deps: CheckoutRouteDeps): GatewayRoute[] {
  const rest = checkoutRestRoutes().map(({ request, ...route }): GatewayRoute => ({
    ...route,
    kind: "rpc",
    ...(request ? { request: (input) => request({ params: input.params, body: input.body }) } : {}),
  }));
  return [
    ...rest,
    localRoute("GET", "/catalogo", async (_input, signal) => {
      const options = { signal, deadline: deps.deadline() };
      const { produtos } = await deps.catalogo.listarProdutos({}, options);
      if (produtos.length === 0) return { json: [] };
      const precos = await deps.catalogo.obterProdutos({ ids: produtos.map((p) => p.id) }, options);
      const preco = new Map(precos.produtos.map((p) => [p.id, p.precoCentavos]));
      return { json: produtos.map(({ id, nome, estoque }) => ({ id, nome, precoCentavos: preco.get(id) ?? 0, estoque })) };
    }),
    localRoute("GET", "/clientes", async () => {
      if (!deps.clientes) return { status: 404, json: { code: "NOT_FOUND", message: "this gateway was started without a customer list" } };
      return { json: deps.clientes() };
    }),
  ];
}
