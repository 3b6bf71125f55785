import type { CatalogoDefinition, ListaProdutosResponse, ObterProdutosRequest, ObterProdutosResponse } from "../../gen/ecommerce/v1/catalogo.js";
import type { EstoqueDefinition } from "../../gen/ecommerce/v1/estoque.js";
import type { CallContext, ClientOf, ImplOf } from "../../transports/index.js";
import { invalidArgument, isId, notFound, requireId } from "../errors.js";
import { rowsByKey } from "../store/rows-by-key.js";
import type { SqlStore } from "../store/sql-store.js";

/** Dependencies of {@link CatalogoService}. */
export interface CatalogoDeps {
  readonly store: SqlStore;
  readonly estoque: ClientOf<EstoqueDefinition>;
}

type ProdutoRow = { id: number; nome: string; preco_centavos: number };

const produtosById = rowsByKey<ProdutoRow, "id">("SELECT id, nome, preco_centavos FROM produtos", "id");

/** Catalogo: product names and prices; stock is asked of Estoque. */
export class CatalogoService implements ImplOf<CatalogoDefinition> {
  constructor(private readonly deps: CatalogoDeps) {}

  /** Every product with its current stock, in id order. */
  async listarProdutos(_request: unknown, context: CallContext): Promise<ListaProdutosResponse> {
    const produtos = this.deps.store.all<ProdutoRow>("SELECT id, nome, preco_centavos FROM produtos ORDER BY id");
    const { saldos } = await this.deps.estoque.consultarEstoque({}, context);
    const stock = new Map(saldos.map((s) => [s.produtoId, s.quantidade]));
    return { produtos: produtos.map((p) => ({ id: p.id, nome: p.nome, estoque: stock.get(p.id) ?? 0 })) };
  }

  /** Names and prices of the requested products, in the order asked. */
  async obterProdutos(request: ObterProdutosRequest): Promise<ObterProdutosResponse> {
    if (request.ids.length === 0) throw invalidArgument("ids must name at least one product");
    // One query for every well-formed id; the loop then reports the first bad or unknown id, as asked.
    const found = produtosById(this.deps.store, request.ids.filter(isId));
    const produtos = request.ids.map((id, i) => {
      requireId(`ids[${i}]`, id);
      const row = found.get(id);
      if (!row) throw notFound(`produto ${id} not found`);
      return { id: row.id, nome: row.nome, precoCentavos: row.preco_centavos };
    });
    return { produtos };
  }
}
