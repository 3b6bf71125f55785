import type { ItemPedido } from "../gen/ecommerce/v1/common.js";
import { invalidArgument, requireId, requireIntInRange } from "./errors.js";
import { QUANTIDADE_MAXIMA } from "./vocabulary.js";

/** Throws INVALID_ARGUMENT naming the field unless the item lines are a valid basket. */
export function validateItens(itens: readonly ItemPedido[]): void {
  if (itens.length === 0) throw invalidArgument("itens must have at least one line");
  const seen = new Set<number>();
  itens.forEach((item, i) => {
    requireId(`itens[${i}].produto_id`, item.produtoId);
    requireIntInRange(`itens[${i}].quantidade`, item.quantidade, 1, QUANTIDADE_MAXIMA);
    requireIntInRange(`itens[${i}].preco_unitario_centavos`, item.precoUnitarioCentavos, 0, Number.MAX_SAFE_INTEGER);
    if (seen.has(item.produtoId)) throw invalidArgument(`itens[${i}].produto_id ${item.produtoId} appears in more than one line`);
    seen.add(item.produtoId);
  });
}
