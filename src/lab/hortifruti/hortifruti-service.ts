import type {
  AtualizarEstoqueRequest,
  ConsultarPorPrecoRequest,
  ConsultarProdutoRequest,
  HortifrutiDefinition,
  ListaProdutos,
  Produto,
} from "../../gen/lab/v1/hortifruti.js";
import { failedPrecondition, invalidArgument, notFound, requireIntInRange } from "../../core/errors.js";
import type { SqlStore } from "../../core/store/sql-store.js";
import type { ImplOf } from "../../transports/router.js";

/** The largest change one AtualizarEstoque may make, either way. */
export const DELTA_MAXIMO = 1_000_000;
/** The most units of one product the store will hold (well inside int32). */
export const ESTOQUE_MAXIMO = 1_000_000_000;
/** The longest product name accepted in a request, in characters. */
export const NOME_MAXIMO = 100;

/** Dependencies of {@link HortifrutiService}. */
export interface HortifrutiDeps {
  /** hortifruti.db, from `openHortifrutiStore`. */
  readonly store: SqlStore;
}

type ProdutoRow = { id: number; nome: string; preco_centavos: number; estoque: number };

const COLUMNS = "id, nome, preco_centavos, estoque";
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Seed 002's produce stock as a plain class: queries by name and by maximum
 * price, a stock update that never goes negative, and the full listing. Every
 * update is one synchronous sql.js transaction, so concurrent calls (from
 * gRPC, the socket server or anything else in this process) cannot interleave
 * between the read and the write.
 */
export class HortifrutiService implements ImplOf<typeof HortifrutiDefinition> {
  constructor(private readonly deps: HortifrutiDeps) {}

  /** The product named `nome` (ASCII case and surrounding blanks ignored); NOT_FOUND otherwise. */
  async consultarProduto(request: ConsultarProdutoRequest): Promise<Produto> {
    const nome = requireNome(request.nome);
    return toProduto(this.#find(nome));
  }

  /** Every product with preco_centavos <= preco_maximo_centavos, in catalog order. */
  async consultarPorPreco(request: ConsultarPorPrecoRequest): Promise<ListaProdutos> {
    requireIntInRange("preco_maximo_centavos", request.precoMaximoCentavos, 0, Number.MAX_SAFE_INTEGER);
    const rows = this.deps.store.all<ProdutoRow>(`SELECT ${COLUMNS} FROM produtos WHERE preco_centavos <= ? ORDER BY id`, [
      request.precoMaximoCentavos,
    ]);
    return { produtos: rows.map(toProduto) };
  }

  /**
   * Adds `delta` to the product's stock and returns the product after the
   * change. Refuses with FAILED_PRECONDITION, writing nothing, when the stock
   * would go below 0 (the message names the product and what is available) or
   * above {@link ESTOQUE_MAXIMO}.
   */
  async atualizarEstoque(request: AtualizarEstoqueRequest): Promise<Produto> {
    const nome = requireNome(request.nome);
    const { delta } = request;
    requireIntInRange("delta", delta, -DELTA_MAXIMO, DELTA_MAXIMO);
    const { store } = this.deps;
    return store.tx(() => {
      const row = this.#find(nome);
      const estoque = row.estoque + delta;
      if (estoque < 0) {
        throw failedPrecondition(`insufficient stock of ${row.nome}: ${row.estoque} available, cannot remove ${-delta}`);
      }
      if (estoque > ESTOQUE_MAXIMO) {
        throw failedPrecondition(`stock of ${row.nome} would be ${estoque}, above the maximum of ${ESTOQUE_MAXIMO}`);
      }
      if (delta !== 0) store.run("UPDATE produtos SET estoque = ? WHERE id = ?", [estoque, row.id]);
      return toProduto({ ...row, estoque });
    });
  }

  /** Every product in catalog order. */
  async listarProdutos(): Promise<ListaProdutos> {
    return { produtos: this.deps.store.all<ProdutoRow>(`SELECT ${COLUMNS} FROM produtos ORDER BY id`).map(toProduto) };
  }

  #find(nome: string): ProdutoRow {
    const row = this.deps.store.get<ProdutoRow>(`SELECT ${COLUMNS} FROM produtos WHERE nome = ?`, [nome]);
    if (!row) throw notFound(`produto ${JSON.stringify(nome)} not found`);
    return row;
  }
}

/** The trimmed name, or INVALID_ARGUMENT naming the field. */
function requireNome(value: string): string {
  const nome = value.trim();
  if (nome === "") throw invalidArgument("nome must not be empty");
  const length = [...nome].length;
  if (length > NOME_MAXIMO) throw invalidArgument(`nome must be at most ${NOME_MAXIMO} characters, got ${length}`);
  if (CONTROL.test(nome)) throw invalidArgument("nome must not contain control characters");
  return nome;
}

function toProduto(row: ProdutoRow): Produto {
  return { nome: row.nome, precoCentavos: row.preco_centavos, estoque: row.estoque };
}
