import { Faker, base, en, pt_BR } from "@faker-js/faker";
import { buildChaveAcesso } from "../core/fiscal/chave-acesso.js";

/** The fixed "now" every generated date is relative to; nothing reads the wall clock. */
export const REFERENCE_DATE = new Date("2025-06-01T00:00:00Z");

/** Largest accepted seed: Faker's Mersenne Twister folds seeds to 32 bits. */
export const MAX_SEED = 0xffff_ffff;

const DAY_MS = 86_400_000;
const CATEGORIAS = ["Eletrônico", "Vestuário", "Livro", "Alimento"] as const;
const METODOS = ["cartao_credito", "boleto", "pix"] as const;
const STATUS_ENVIO = ["aguardando_envio", "enviado", "entregue"] as const;
/** IBGE state codes (cUF) that can start an access key. */
const CODIGOS_UF = [11, 12, 13, 14, 15, 16, 17, 21, 22, 23, 24, 25, 26, 27, 28, 29, 31, 32, 33, 35, 41, 42, 43, 50, 51, 52, 53];

/** A customer row (table clientes). */
export interface SyntheticCliente {
  id: number;
  nome: string;
  email: string;
}

/** A product row (table produtos); money in integer centavos. */
export interface SyntheticProduto {
  id: number;
  nome: string;
  precoCentavos: number;
  estoque: number;
}

/** Customers and products, ids 1..n. */
export interface SyntheticCatalog {
  clientes: SyntheticCliente[];
  produtos: SyntheticProduto[];
}

/** Final status of a generated order (the seed's transient 'em_separacao' never persists). */
export type PedidoStatus = "pendente" | "pagamento_aprovado" | "nf_emitida" | "enviado" | "entregue";
/** Outcome of a payment attempt. */
export type PagamentoStatus = "aprovado" | "rejeitado";
/** Payment method. */
export type PagamentoMetodo = (typeof METODOS)[number];
/** Shipment status. */
export type EnvioStatus = (typeof STATUS_ENVIO)[number];

/** An order row (table pedidos); valor total in integer centavos. */
export interface SyntheticPedido {
  id: number;
  clienteId: number;
  dataCriacao: string;
  status: PedidoStatus;
  valorTotalCentavos: number;
}

/** An order line (table itens_pedido); unit price in integer centavos. */
export interface SyntheticItemPedido {
  id: number;
  pedidoId: number;
  produtoId: number;
  quantidade: number;
  precoUnitarioCentavos: number;
}

/** A payment row (table pagamentos), at most one per order. */
export interface SyntheticPagamento {
  id: number;
  pedidoId: number;
  dataProcessamento: string;
  status: PagamentoStatus;
  metodo: PagamentoMetodo;
}

/** An invoice row (table notas_fiscais), at most one per order. */
export interface SyntheticNotaFiscal {
  id: number;
  pedidoId: number;
  numero: string;
  dataEmissao: string;
  chaveAcesso: string;
}

/** A shipment row (table envios), at most one per invoice. */
export interface SyntheticEnvio {
  id: number;
  pedidoId: number;
  notaFiscalId: number;
  dataDespacho: string;
  codigoRastreamento: string;
  status: EnvioStatus;
}

/** Orders and everything that happened to them afterwards. */
export interface SyntheticOrders {
  pedidos: SyntheticPedido[];
  itens: SyntheticItemPedido[];
  pagamentos: SyntheticPagamento[];
  notasFiscais: SyntheticNotaFiscal[];
  envios: SyntheticEnvio[];
}

/** A full synthetic data set: catalog plus orders. */
export interface SyntheticDataset extends SyntheticCatalog, SyntheticOrders {}

/** Options for {@link generateDataset}; defaults 50 clientes, 30 produtos, 100 pedidos. */
export interface DatasetOptions {
  seed: number;
  clientes?: number;
  produtos?: number;
  pedidos?: number;
}

/** Generates customers and products deterministically from `seed` (defaults 50 and 30). */
export function generateCatalog(seed: number, opts: { clientes?: number; produtos?: number } = {}): SyntheticCatalog {
  const numClientes = count("clientes", opts.clientes ?? 50);
  const numProdutos = count("produtos", opts.produtos ?? 30);
  const faker = seededFaker(seed);

  const clientes: SyntheticCliente[] = [];
  for (let i = 0; i < numClientes; i++) {
    const nome = faker.person.fullName();
    // The seed's 0-based index prefix is what makes emails unique.
    clientes.push({ id: i + 1, nome, email: `cliente_${i}_${faker.internet.username()}@exemplo.com` });
  }

  const produtos: SyntheticProduto[] = [];
  for (let i = 0; i < numProdutos; i++) {
    const nome = `Produto ${capitalize(faker.word.noun())} ${faker.helpers.arrayElement(CATEGORIAS)}`;
    const precoCentavos = faker.number.int({ min: 1050, max: 50099 });
    const estoque = faker.number.int({ min: 0, max: 100 });
    produtos.push({ id: i + 1, nome, precoCentavos, estoque });
  }
  return { clientes, produtos };
}

/**
 * Generates `pedidos` orders over `catalog` and their later history
 * (payment, invoice, shipment) deterministically from `seed` (default 100 orders).
 */
export function generateOrders(seed: number, catalog: SyntheticCatalog, opts: { pedidos?: number } = {}): SyntheticOrders {
  const numPedidos = count("pedidos", opts.pedidos ?? 100);
  if (numPedidos > 0 && (catalog.clientes.length === 0 || catalog.produtos.length === 0)) {
    throw new RangeError("generateOrders: pedidos need at least one cliente and one produto");
  }
  // A stream of its own, distinct from the catalog's, so orders never replay its draws.
  const faker = seededFaker(seed, 1);
  const ref = REFERENCE_DATE.getTime();
  const out: SyntheticOrders = { pedidos: [], itens: [], pagamentos: [], notasFiscais: [], envios: [] };
  const trackingCodes = new Set<string>();
  // The shop is the single issuer of every invoice.
  const emitente = {
    cUF: faker.helpers.arrayElement(CODIGOS_UF),
    cnpj: faker.string.numeric({ length: 14, allowLeadingZeros: true }),
  };

  for (let p = 1; p <= numPedidos; p++) {
    const cliente = faker.helpers.arrayElement(catalog.clientes);
    const criado = faker.date.between({ from: ref - 90 * DAY_MS, to: ref });
    const numItens = Math.min(faker.number.int({ min: 1, max: 5 }), catalog.produtos.length);
    let valorTotalCentavos = 0;
    for (const produto of faker.helpers.arrayElements(catalog.produtos, numItens)) {
      const quantidade = faker.number.int({ min: 1, max: 3 });
      valorTotalCentavos += quantidade * produto.precoCentavos;
      out.itens.push({
        id: out.itens.length + 1,
        pedidoId: p,
        produtoId: produto.id,
        quantidade,
        precoUnitarioCentavos: produto.precoCentavos,
      });
    }
    const pedido: SyntheticPedido = {
      id: p,
      clienteId: cliente.id,
      dataCriacao: criado.toISOString(),
      status: "pendente",
      valorTotalCentavos,
    };
    out.pedidos.push(pedido);
  }

  // Later history, in a second pass as the seed does. Each event is dated
  // between the previous one and REFERENCE_DATE, so history is causal
  // (the seed draws each date independently and can pay before ordering).
  for (const pedido of out.pedidos) {
    if (!faker.datatype.boolean(0.8)) continue;
    const pago = faker.date.between({ from: pedido.dataCriacao, to: ref });
    const status = faker.helpers.arrayElement(["aprovado", "rejeitado"] as const);
    const metodo = faker.helpers.arrayElement(METODOS);
    out.pagamentos.push({
      id: out.pagamentos.length + 1,
      pedidoId: pedido.id,
      dataProcessamento: pago.toISOString(),
      status,
      metodo,
    });
    if (status !== "aprovado") continue;
    pedido.status = "pagamento_aprovado";

    if (!faker.datatype.boolean(0.9)) continue;
    // em_separacao, then the invoice is issued at once: only nf_emitida persists.
    const emitida = faker.date.between({ from: pago, to: ref });
    const nota: SyntheticNotaFiscal = {
      id: out.notasFiscais.length + 1,
      pedidoId: pedido.id,
      // Same shape as the seed; the order id suffix is what makes it unique.
      numero: `NF${faker.number.int({ min: 10000, max: 99999 })}-${pedido.id}`,
      dataEmissao: emitida.toISOString(),
      chaveAcesso: buildChaveAcesso({
        ...emitente,
        emissao: { ano: emitida.getUTCFullYear(), mes: emitida.getUTCMonth() + 1 },
        serie: 1,
        // nNF is the invoice id, so keys are unique for the one issuer and series.
        numero: out.notasFiscais.length + 1,
        codigoNumerico: faker.number.int({ min: 0, max: 99_999_999 }),
      }),
    };
    out.notasFiscais.push(nota);
    pedido.status = "nf_emitida";

    if (!faker.datatype.boolean(0.95)) continue;
    const despacho = faker.date.between({ from: emitida, to: ref });
    let rastreio: string;
    do {
      rastreio = `BR${faker.number.int({ min: 100000000, max: 999999999 })}PY`;
    } while (trackingCodes.has(rastreio));
    trackingCodes.add(rastreio);
    const envioStatus = faker.helpers.arrayElement(STATUS_ENVIO);
    out.envios.push({
      id: out.envios.length + 1,
      pedidoId: pedido.id,
      notaFiscalId: nota.id,
      dataDespacho: despacho.toISOString(),
      codigoRastreamento: rastreio,
      status: envioStatus,
    });
    if (envioStatus !== "aguardando_envio") pedido.status = envioStatus;
  }
  return out;
}

/** Generates catalog and orders together; the catalog equals `generateCatalog(seed, opts)`. */
export function generateDataset(opts: DatasetOptions): SyntheticDataset {
  const catalog = generateCatalog(opts.seed, opts);
  return { ...catalog, ...generateOrders(opts.seed, catalog, opts) };
}

function seededFaker(seed: number, stream?: number): Faker {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`seed must be an integer in 0..${MAX_SEED}, got ${seed}`);
  }
  const faker = new Faker({ locale: [pt_BR, en, base] });
  faker.seed(stream === undefined ? seed : [seed, stream]);
  return faker;
}

function count(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
  return value;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
