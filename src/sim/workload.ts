import type { CheckoutCatalog } from "../core/system/stores.js";
import type { Random } from "../core/random.js";
import { METODOS_PAGAMENTO, type MetodoPagamento } from "../core/vocabulary.js";

/** One order the workload will place. */
export interface OrderPlan {
  readonly clienteId: number;
  readonly itens: readonly { readonly produtoId: number; readonly quantidade: number }[];
  readonly metodo: MetodoPagamento;
}

/** Options of {@link generateWorkload}. */
export interface WorkloadOptions {
  readonly orders: number;
  /** Item lines per order. Default: 1..5, as the seed's generator. */
  readonly lines?: readonly [number, number];
  /** Units per line. Default: 1..3, as the seed's generator. */
  readonly quantity?: readonly [number, number];
}

/**
 * Seeded baskets from the catalog's customers and products. With the seed's
 * proportions (stock 0..100 per product) a few hundred orders exhaust some
 * products, so both completed and cancelled orders occur.
 */
export function generateWorkload(random: Random, catalog: CheckoutCatalog, options: WorkloadOptions): OrderPlan[] {
  const [minLines, maxLines] = options.lines ?? [1, 5];
  const [minQty, maxQty] = options.quantity ?? [1, 3];
  const plans: OrderPlan[] = [];
  for (let i = 0; i < options.orders; i++) {
    const draw = random.fork(i);
    const cliente = catalog.clientes[draw.int(0, catalog.clientes.length - 1)]!;
    const lines = Math.min(draw.int(minLines, maxLines), catalog.produtos.length);
    const chosen = new Set<number>();
    while (chosen.size < lines) chosen.add(catalog.produtos[draw.int(0, catalog.produtos.length - 1)]!.id);
    plans.push({
      clienteId: cliente.id,
      itens: [...chosen].map((produtoId) => ({ produtoId, quantidade: draw.int(minQty, maxQty) })),
      metodo: METODOS_PAGAMENTO[draw.int(0, METODOS_PAGAMENTO.length - 1)]!,
    });
  }
  return plans;
}
