/**
 * The seeds' smaller systems through the gateway, each route one RPC on its
 * lab service over the gateway's transport:
 * seed 000 (calculator A and square B: `GET /sum?a=5&b=3` ... `GET /square?number=7` ...),
 * seed 001 (`GET /a/hello?name=`, `GET /b/numbers?count=&delay_ms=`),
 * seed 002 (hortifruti: `/hortifruti/...`).
 */
import { invalidArgument } from "../core/errors.js";
import { CalculatorDefinition } from "../gen/lab/v1/calculator.js";
import { ServiceADefinition } from "../gen/lab/v1/greeter.js";
import { HortifrutiDefinition, type Produto } from "../gen/lab/v1/hortifruti.js";
import { ServiceBDefinition } from "../gen/lab/v1/numbers.js";
import { SquareServiceDefinition } from "../gen/lab/v1/square.js";
import { parseReais } from "../lab/hortifruti/line-protocol.js";
import { INT32_RANGE, INT64_RANGE, intField, intParam, numberParam } from "./params.js";
import { rpcRoute, type GatewayInput, type GatewayRoute } from "./routes.js";

/** The name seed 001's gateway greets when the query has none. */
export const DEFAULT_HELLO_NAME = "mundo";
/** Seed 001's gateway defaults: `count` 5, `delay_ms` 0. */
export const NUMBERS_DEFAULTS = { count: 5, delayMs: 0 } as const;

/** Every lab route. */
export function labRoutes(): GatewayRoute[] {
  return [...calculatorRoutes(), ...helloRoutes(), ...hortifrutiRoutes()];
}

/**
 * Seed 000: `GET /sum|/subtract|/multiply|/divide?a=&b=` and `GET
 * /square|/factorial?number=`, `/sqrt?number=`, `/power?base=&exponent=`.
 * The answer is the seed gateway's text line (`Soma de 5 + 3 = 8`, `Quadrado
 * de 7 = 49`, and alike for the others), or the service's reply
 * (`{"result": 8}`) for a client that asks for JSON.
 */
function calculatorRoutes(): GatewayRoute[] {
  const calc = CalculatorDefinition.methods;
  const ab = (path: string) => (input: GatewayInput) => {
    const example = `${path}?a=5&b=3`;
    return { a: intParam(input.params, "a", INT64_RANGE, { example }), b: intParam(input.params, "b", INT64_RANGE, { example }) };
  };
  const sq = SquareServiceDefinition.methods;
  const integer = (path: string, name: string) => (input: GatewayInput) => ({ [name]: intParam(input.params, name, INT64_RANGE, { example: `${path}?${name}=7` }) });
  return [
    rpcRoute(CalculatorDefinition, calc.sum, { verb: "GET", pattern: "/sum", request: ab("/sum"), text: (r, q) => `Soma de ${q.a} + ${q.b} = ${r.result}\n` }),
    rpcRoute(CalculatorDefinition, calc.subtract, { verb: "GET", pattern: "/subtract", request: ab("/subtract"), text: (r, q) => `Subtração de ${q.a} - ${q.b} = ${r.result}\n` }),
    rpcRoute(CalculatorDefinition, calc.multiply, { verb: "GET", pattern: "/multiply", request: ab("/multiply"), text: (r, q) => `Multiplicação de ${q.a} * ${q.b} = ${r.result}\n` }),
    rpcRoute(CalculatorDefinition, calc.divide, {
      verb: "GET",
      pattern: "/divide",
      request: ab("/divide"),
      text: (r, q) => `Divisão de ${q.a} / ${q.b} = ${r.result} (quociente ${r.quotient}, resto ${r.remainder})\n`,
    }),
    rpcRoute(SquareServiceDefinition, sq.square, { verb: "GET", pattern: "/square", request: integer("/square", "number"), text: (r, q) => `Quadrado de ${q.number} = ${r.result}\n` }),
    rpcRoute(SquareServiceDefinition, sq.factorial, { verb: "GET", pattern: "/factorial", request: integer("/factorial", "number"), text: (r, q) => `Fatorial de ${q.number} = ${r.result}\n` }),
    rpcRoute(SquareServiceDefinition, sq.sqrt, {
      verb: "GET",
      pattern: "/sqrt",
      request: (input) => ({ number: numberParam(input.params, "number", { example: "/sqrt?number=2" }) }),
      text: (r, q) => `Raiz quadrada de ${q.number} = ${r.result}\n`,
    }),
    rpcRoute(SquareServiceDefinition, sq.power, {
      verb: "GET",
      pattern: "/power",
      request: (input) => {
        const example = "/power?base=2&exponent=10";
        return { base: intParam(input.params, "base", INT64_RANGE, { example }), exponent: intParam(input.params, "exponent", INT64_RANGE, { example }) };
      },
      text: (r, q) => `Potência de ${q.base} ^ ${q.exponent} = ${r.result}\n`,
    }),
  ];
}

/** Seed 001: `GET /a/hello?name=` answers `{"from":"A","message"}`; `GET /b/numbers` answers `{"from":"B","values":[...]}`, or streams `{"from":"B","value"}` as SSE/NDJSON. */
function helloRoutes(): GatewayRoute[] {
  const example = "/b/numbers?count=10&delay_ms=5";
  return [
    rpcRoute(ServiceADefinition, ServiceADefinition.methods.sayHello, {
      verb: "GET",
      pattern: "/a/hello",
      request: (input) => ({ name: input.params.name || DEFAULT_HELLO_NAME }),
      response: (reply) => ({ from: "A", message: reply.message }),
    }),
    rpcRoute(ServiceBDefinition, ServiceBDefinition.methods.streamNumbers, {
      verb: "GET",
      pattern: "/b/numbers",
      // The service enforces its own limits (count 1..1000, delay_ms 0..10000) and names the field.
      request: (input) => ({
        count: intParam(input.params, "count", INT32_RANGE, { example, fallback: NUMBERS_DEFAULTS.count }),
        delayMs: intParam(input.params, "delay_ms", INT32_RANGE, { example, fallback: NUMBERS_DEFAULTS.delayMs }),
      }),
      response: (reply) => ({ from: "B", value: reply.value }),
      collect: (messages) => ({ from: "B", values: messages.map((m) => (m as { value: number }).value) }),
    }),
  ];
}

/**
 * Seed 002's produce stock: `GET /hortifruti/produtos` (all), `GET
 * /hortifruti/produtos/{nome}`, `GET /hortifruti/busca?preco_maximo=8.50`
 * (reais, as the seed's command `2 PRICE`), `POST
 * /hortifruti/produtos/{nome}/estoque` with `{"delta": -5}`. Products are
 * `{"nome", "precoCentavos", "estoque"}`; lists are bare arrays.
 */
function hortifrutiRoutes(): GatewayRoute[] {
  const h = HortifrutiDefinition.methods;
  const list = (lista: { produtos: Produto[] }) => lista.produtos.map(produtoJson);
  return [
    rpcRoute(HortifrutiDefinition, h.listarProdutos, { verb: "GET", pattern: "/hortifruti/produtos", request: () => ({}), response: list }),
    rpcRoute(HortifrutiDefinition, h.consultarProduto, { verb: "GET", pattern: "/hortifruti/produtos/:nome", request: (input) => ({ nome: input.params.nome }), response: produtoJson }),
    rpcRoute(HortifrutiDefinition, h.consultarPorPreco, {
      verb: "GET",
      pattern: "/hortifruti/busca",
      request: (input) => {
        const raw = input.params.preco_maximo ?? "";
        const centavos = parseReais(raw.trim());
        if (centavos === undefined) throw invalidArgument(`preco_maximo must be a price in reais such as 8, 8.5 or 8,50; got ${JSON.stringify(raw)} (e.g. /hortifruti/busca?preco_maximo=8.50)`);
        return { precoMaximoCentavos: centavos };
      },
      response: list,
    }),
    rpcRoute(HortifrutiDefinition, h.atualizarEstoque, {
      verb: "POST",
      pattern: "/hortifruti/produtos/:nome/estoque",
      request: (input) => ({ nome: input.params.nome, delta: intField(input.body, "delta", INT32_RANGE) }),
      response: produtoJson,
    }),
  ];
}

/** A product as JSON, every field present. */
function produtoJson(p: Produto): { nome: string; precoCentavos: number; estoque: number } {
  return { nome: p.nome, precoCentavos: p.precoCentavos, estoque: p.estoque };
}
