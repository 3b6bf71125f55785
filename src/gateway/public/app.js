// The page of Gateway P: plain ES module, no build step, no framework. Every
// action is one of the gateway's HTTP routes (docs/gateway.md).

const $ = (id) => document.getElementById(id);
const brl = new Intl.NumberFormat("pt-BR", { style: "currency", currency: "BRL" });
const reais = (centavos) => brl.format(centavos / 100);
const TERMINAL = new Set(["enviado", "entregue", "cancelado"]);
const STATUS_LABEL = {
  pendente: "pendente",
  pagamento_aprovado: "pagamento aprovado",
  em_separacao: "em separação",
  nf_emitida: "nota fiscal emitida",
  enviado: "enviado",
  entregue: "entregue",
  cancelado: "cancelado",
};

/** An element with text and attributes. */
function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = String(text);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/** Shows (or hides, for an empty message) an error paragraph. */
function showError(id, message) {
  const node = $(id);
  node.textContent = message ?? "";
  node.hidden = !message;
}

/** Calls a JSON route; an error answer throws with the gateway's message. */
async function api(path, options = {}) {
  const init = { ...options, headers: { accept: "application/json", ...(options.body ? { "content-type": "application/json" } : {}) } };
  const res = await fetch(path, init);
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  if (!res.ok) throw new Error(body && body.message ? `${body.code}: ${body.message}` : `HTTP ${res.status}`);
  return body;
}

/**
 * Reads a server-sent event stream with fetch (so an error answer shows its
 * message, and nothing reconnects by itself): calls onMessage with each
 * `data` JSON until the stream's `end` event; an `error` event throws.
 */
async function readEvents(path, onMessage, signal) {
  const res = await fetch(path, { headers: { accept: "text/event-stream" }, signal });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new Error(body.message ? `${body.code}: ${body.message}` : `HTTP ${res.status}`);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    pending += value;
    let cut;
    while ((cut = pending.indexOf("\n\n")) >= 0) {
      const block = pending.slice(0, cut);
      pending = pending.slice(cut + 2);
      let event = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trim();
      }
      const json = data ? JSON.parse(data) : {};
      if (event === "end") return;
      if (event === "error") throw new Error(`${json.code}: ${json.message}`);
      onMessage(json);
    }
  }
}

// ---- catalog -------------------------------------------------------------

let produtos = [];

async function loadCatalog() {
  showError("catalogo-erro");
  try {
    produtos = await api("/catalogo");
  } catch (error) {
    showError("catalogo-erro", `Não foi possível carregar o catálogo: ${error.message}`);
    return;
  }
  const rows = produtos.map((p) => {
    const tr = el("tr");
    tr.append(el("td", p.id), el("td", p.nome), el("td", reais(p.precoCentavos), { class: "num" }), el("td", p.estoque, { class: "num" }));
    if (p.estoque === 0) tr.classList.add("esgotado");
    return tr;
  });
  $("catalogo-linhas").replaceChildren(...rows);
  const select = $("produto");
  const chosen = select.value;
  select.replaceChildren(
    ...produtos.map((p) => {
      const option = el("option", `${p.nome} — ${reais(p.precoCentavos)} (${p.estoque === 0 ? "esgotado" : `${p.estoque} em estoque`})`, { value: String(p.id) });
      if (p.estoque === 0) option.disabled = true;
      return option;
    }),
  );
  const firstInStock = produtos.find((p) => p.estoque > 0);
  if (produtos.some((p) => String(p.id) === chosen && p.estoque > 0)) select.value = chosen;
  else if (firstInStock) select.value = String(firstInStock.id);
}

async function loadClientes() {
  try {
    const clientes = await api("/clientes");
    $("cliente").replaceChildren(...clientes.map((c) => el("option", `${c.id} · ${c.nome}`, { value: String(c.id) })));
  } catch (error) {
    showError("pedido-erro", `Não foi possível carregar os clientes: ${error.message}`);
  }
}

// ---- basket and order ------------------------------------------------------

/** produto id -> quantity */
const cesta = new Map();

function renderCesta() {
  const items = [...cesta].map(([id, quantidade]) => {
    const produto = produtos.find((p) => p.id === id);
    const li = el("li", `${quantidade} × ${produto ? produto.nome : `produto ${id}`} `);
    const remove = el("button", "Remover", { type: "button", "aria-label": `Remover ${produto ? produto.nome : id} da cesta` });
    remove.addEventListener("click", () => {
      cesta.delete(id);
      renderCesta();
    });
    li.append(remove);
    return li;
  });
  $("cesta").replaceChildren(...items);
  const total = [...cesta].reduce((sum, [id, q]) => sum + q * (produtos.find((p) => p.id === id)?.precoCentavos ?? 0), 0);
  $("cesta-total").textContent = cesta.size === 0 ? "Cesta vazia." : `Total estimado: ${reais(total)}`;
}

function addToCesta() {
  const id = Number($("produto").value);
  const quantidade = Number($("quantidade").value);
  if (!id) return showError("pedido-erro", "Escolha um produto em estoque.");
  if (!Number.isInteger(quantidade) || quantidade < 1 || quantidade > 1000) return showError("pedido-erro", "A quantidade deve ser um inteiro de 1 a 1000.");
  showError("pedido-erro");
  cesta.set(id, (cesta.get(id) ?? 0) + quantidade);
  renderCesta();
}

async function placeOrder(event) {
  event.preventDefault();
  showError("pedido-erro");
  if (cesta.size === 0) addToCesta();
  if (cesta.size === 0) return;
  const button = $("pedido-enviar");
  button.disabled = true;
  const historico = $("pedido-historico");
  const final = $("pedido-final");
  historico.replaceChildren();
  final.textContent = "aguardando…";
  delete final.dataset.status;
  try {
    const pedido = await api("/pedidos", {
      method: "POST",
      body: JSON.stringify({
        cliente_id: Number($("cliente").value),
        itens: [...cesta].map(([produto_id, quantidade]) => ({ produto_id, quantidade })),
        metodo_pagamento: $("metodo").value,
        // A retried click must not place a second order.
        chave_idempotencia: `pagina-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      }),
    });
    $("pedido-acompanhamento").hidden = false;
    $("pedido-resumo").textContent = `Pedido #${pedido.id}: ${reais(pedido.valorTotalCentavos)}, ${pedido.itens.length} item(ns).`;
    $("consulta-id").value = String(pedido.id);
    cesta.clear();
    renderCesta();
    let last = pedido.status;
    await readEvents(`/pedidos/${pedido.id}/acompanhar`, (status) => {
      last = status.status;
      const when = new Date(status.emMs).toLocaleTimeString("pt-BR");
      const li = el("li", `${STATUS_LABEL[status.status] ?? status.status} · ${when}${status.motivo ? ` · ${status.motivo}` : ""}`, { "data-status": status.status });
      historico.append(li);
    });
    final.textContent = STATUS_LABEL[last] ?? last;
    final.dataset.status = last;
    if (!TERMINAL.has(last)) final.textContent += " (o acompanhamento terminou antes de um estado final)";
    await loadCatalog();
  } catch (error) {
    showError("pedido-erro", `Pedido não realizado: ${error.message}`);
  } finally {
    button.disabled = false;
  }
}

async function lookUpOrder(event) {
  event.preventDefault();
  const out = $("consulta-resultado");
  out.replaceChildren(el("p", "Consultando…"));
  try {
    const p = await api(`/pedidos/${encodeURIComponent($("consulta-id").value)}`);
    const dl = el("dl", undefined, { class: "resumo" });
    const row = (term, value) => dl.append(el("dt", term), el("dd", value));
    row("Pedido", `#${p.id}`);
    row("Cliente", p.clienteId);
    row("Situação", STATUS_LABEL[p.status] ?? p.status);
    if (p.motivo) row("Motivo", p.motivo);
    row("Total", reais(p.valorTotalCentavos));
    row("Pagamento", p.metodoPagamento);
    row("Itens", p.itens.map((i) => `${i.quantidade} × produto ${i.produtoId} (${reais(i.precoUnitarioCentavos)})`).join("; "));
    const hist = el("ol", undefined, { class: "historico" });
    for (const h of p.historico) hist.append(el("li", `${STATUS_LABEL[h.status] ?? h.status} · ${new Date(h.emMs).toLocaleTimeString("pt-BR")}${h.motivo ? ` · ${h.motivo}` : ""}`));
    out.replaceChildren(dl, el("h3", "Histórico"), hist);
  } catch (error) {
    out.replaceChildren(el("p", error.message, { class: "erro", role: "alert" }));
  }
}

// ---- calculator, hello, numbers ----------------------------------------------

/** Shows in `out` what `format` makes of a route's answer, or the route's error. */
async function answerInto(out, path, format) {
  try {
    out.textContent = format(await api(path));
    out.classList.remove("erro");
  } catch (error) {
    out.textContent = error.message;
    out.classList.add("erro");
  }
}

function calculate(event) {
  event.preventDefault();
  const op = $("calc-op").value;
  const query = new URLSearchParams({ a: $("calc-a").value, b: $("calc-b").value });
  return answerInto($("calc-resultado"), `/${op}?${query}`, (r) => (op === "divide" ? `${r.result} (quociente ${r.quotient}, resto ${r.remainder})` : String(r.result)));
}

function calculateSquare(event) {
  event.preventDefault();
  const op = $("square-op").value;
  const n = $("square-n").value;
  const query = op === "power" ? new URLSearchParams({ base: n, exponent: $("square-exp").value }) : new URLSearchParams({ number: n });
  return answerInto($("square-resultado"), `/${op}?${query}`, (r) => String(r.result));
}

function sayHello(event) {
  event.preventDefault();
  return answerInto($("hello-resultado"), `/a/hello?${new URLSearchParams({ name: $("hello-nome").value })}`, (r) => `${r.message} (de ${r.from})`);
}

let numbersStop;

async function streamNumbers(event) {
  event.preventDefault();
  numbersStop?.abort();
  const stop = new AbortController();
  numbersStop = stop;
  const list = $("numbers-lista");
  const status = $("numbers-status");
  list.replaceChildren();
  status.textContent = "Recebendo…";
  $("numbers-parar").disabled = false;
  const query = new URLSearchParams({ count: $("numbers-count").value, delay_ms: $("numbers-delay").value });
  try {
    await readEvents(`/b/numbers?${query}`, (n) => list.append(el("li", n.value)), stop.signal);
    status.textContent = `Fim: ${list.children.length} números recebidos.`;
  } catch (error) {
    status.textContent = stop.signal.aborted ? `Parado após ${list.children.length} números.` : error.message;
  } finally {
    if (numbersStop === stop) $("numbers-parar").disabled = true;
  }
}

// ---- simulator ---------------------------------------------------------------

let scenarios = [];

async function loadScenarios() {
  try {
    scenarios = await api("/api/scenarios");
    $("sim-cenario").replaceChildren(...scenarios.map((s) => el("option", s.name, { value: s.name })));
    describeScenario();
  } catch (error) {
    showError("sim-erro", `Não foi possível listar os cenários: ${error.message}`);
  }
}

function describeScenario() {
  $("sim-descricao").textContent = scenarios.find((s) => s.name === $("sim-cenario").value)?.description ?? "";
}

async function runSim(event) {
  event.preventDefault();
  showError("sim-erro");
  const out = $("sim-resultado");
  const button = $("sim-rodar");
  button.disabled = true;
  out.replaceChildren(el("p", "Rodando…"));
  try {
    const r = await api("/api/sim", {
      method: "POST",
      body: JSON.stringify({ scenario: $("sim-cenario").value, seed: Number($("sim-seed").value), orders: Number($("sim-pedidos").value), transport: $("sim-transporte").value }),
    });
    const ok = r.invariants.every((i) => i.ok);
    const dl = el("dl", undefined, { class: "resumo" });
    const row = (term, value) => dl.append(el("dt", term), el("dd", value));
    row("Cenário", `${r.scenario} (seed ${r.seed}, ${r.transport})`);
    row("Pedidos", `${r.orders.placed} feitos: ${r.orders.completed} enviados, ${r.orders.cancelled} cancelados, ${r.orders.pending} pendentes`);
    row("Latência", `p50 ${r.latencyMs.p50} ms, p90 ${r.latencyMs.p90} ms, p99 ${r.latencyMs.p99} ms, máx ${r.latencyMs.max} ms`);
    row("Tempo", `${r.virtualMs} ms virtuais, ${r.wallMs} ms reais`);
    row("Trace", r.traceHash);
    const inv = el("ul", undefined, { class: "invariantes" });
    for (const i of r.invariants) inv.append(el("li", `${i.ok ? "ok" : "FALHOU"} · ${i.name}: ${i.detail}`, { "data-ok": String(i.ok) }));
    const raw = el("details");
    raw.append(el("summary", "Relatório JSON completo"), el("pre", JSON.stringify(r, null, 2)));
    out.replaceChildren(el("p", ok ? "Todos os invariantes valem." : "Algum invariante falhou.", { class: ok ? "ok" : "erro", id: "sim-veredito" }), dl, inv, raw);
  } catch (error) {
    out.replaceChildren();
    showError("sim-erro", error.message);
  } finally {
    button.disabled = false;
  }
}

// ---- wiring ------------------------------------------------------------------

$("catalogo-atualizar").addEventListener("click", loadCatalog);
$("cesta-adicionar").addEventListener("click", addToCesta);
$("pedido-form").addEventListener("submit", placeOrder);
$("consulta-form").addEventListener("submit", lookUpOrder);
$("calc-form").addEventListener("submit", calculate);
$("square-form").addEventListener("submit", calculateSquare);
$("hello-form").addEventListener("submit", sayHello);
$("numbers-form").addEventListener("submit", streamNumbers);
$("numbers-parar").addEventListener("click", () => numbersStop?.abort());
$("sim-cenario").addEventListener("change", describeScenario);
$("sim-form").addEventListener("submit", runSim);

await Promise.all([loadCatalog(), loadClientes(), loadScenarios()]);
document.body.dataset.ready = "true";
