/** The checkout's vocabulary, as the seed spec names it. */

/** Order statuses, in the order the chain moves through them. */
export const STATUS_PEDIDO = ["pendente", "pagamento_aprovado", "em_separacao", "nf_emitida", "enviado", "entregue", "cancelado"] as const;
/** One order status. */
export type StatusPedido = (typeof STATUS_PEDIDO)[number];

/** Statuses an order is still moving through. */
export const NON_TERMINAL_STATUSES = ["pendente", "pagamento_aprovado", "em_separacao", "nf_emitida"] as const satisfies readonly StatusPedido[];

/** `('a', 'b', ...)` for an SQL IN clause of fixed vocabulary words (never user input). */
export function sqlList(words: readonly string[]): string {
  return `(${words.map((w) => `'${w}'`).join(", ")})`;
}

/** Statuses an order never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set<StatusPedido>(["enviado", "entregue", "cancelado"]);

/** Accepted payment methods. */
export const METODOS_PAGAMENTO = ["cartao_credito", "boleto", "pix"] as const;
/** One payment method. */
export type MetodoPagamento = (typeof METODOS_PAGAMENTO)[number];

/** The six services; also the names of their database files (`<name>.db`). */
export const SERVICE_NAMES = ["pedidos", "pagamentos", "estoque", "fiscal", "logistica", "catalogo"] as const;
/** One service name. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Item lines accept quantities in this range. */
export const QUANTIDADE_MAXIMA = 1000;
