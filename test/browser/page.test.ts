/**
 * Gateway P's page in a real browser: Debian's Chromium, headless, driven by
 * playwright-core, against the gateway in this process with the services on
 * loopback gRPC. Skipped when Chromium is not installed, but failed under CI.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { startTestStack, type TestStack } from "../gateway/stack.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const present = existsSync(CHROMIUM);
if (!present && process.env.CI) throw new Error(`${CHROMIUM} is missing; CI must install Debian's chromium (.ci/run)`);
const T = { timeout: 30_000 };

describe("Gateway P's page in Chromium", { skip: present ? false : `${CHROMIUM} is not installed` }, () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async () => {
    stack = await startTestStack("grpc");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(String(error)));
    // Everything the page loads must come from the gateway itself.
    page.on("request", (request) => {
      if (!request.url().startsWith(stack.gateway.url)) consoleErrors.push(`request outside the gateway: ${request.url()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
    assert.deepEqual(stack?.unexpected ?? [], []);
  });

  it("loads with the catalog, the customers and the scenarios, and no console errors", T, async () => {
    await page.goto(`${stack.url("/")}`);
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.locator("#catalogo-linhas tr").count(), 4);
    assert.equal(await page.locator("#cliente option").count(), 2);
    assert.ok((await page.locator("#sim-cenario option").count()) > 5);
    // The product out of stock cannot be picked.
    assert.equal(await page.locator("#produto option[value='2']").isDisabled(), true);
    assert.deepEqual(consoleErrors, []);
  });

  it("an order placed through the page reaches enviado or cancelado on screen", T, async () => {
    await page.selectOption("#cliente", "2");
    await page.selectOption("#produto", "4");
    await page.fill("#quantidade", "2");
    await page.click("#cesta-adicionar");
    assert.equal(await page.locator("#cesta li").count(), 1);
    await page.click("#pedido-enviar");
    const final = page.locator("#pedido-final[data-status]");
    await final.waitFor();
    const status = await final.getAttribute("data-status");
    assert.ok(status === "enviado" || status === "cancelado", `final status ${status}`);
    assert.equal(await page.locator("#pedido-historico li").first().getAttribute("data-status"), "pendente");
    assert.equal(await page.locator("#pedido-historico li").last().getAttribute("data-status"), status);
    // The catalog was refreshed: a shipped order holds its 2 units.
    const stock = await page.locator("#catalogo-linhas tr").nth(3).locator("td").nth(3).textContent();
    assert.equal(stock, status === "enviado" ? "18" : "20");
    // Looking the order up shows the same status.
    await page.click("#consulta-form button[type=submit]");
    await page.locator("#consulta-resultado dl").waitFor();
    assert.match((await page.textContent("#consulta-resultado")) ?? "", status === "enviado" ? /enviado/ : /cancelado/);
  });

  it("the calculator panels answer, and show the service's error for a bad division", T, async () => {
    await page.fill("#calc-a", "12");
    await page.fill("#calc-b", "5");
    await page.selectOption("#calc-op", "divide");
    await page.click("#calc-form button[type=submit]");
    await page.locator("#calc-resultado:not(:empty)").waitFor();
    assert.equal(await page.textContent("#calc-resultado"), "2.4 (quociente 2, resto 2)");
    await page.fill("#calc-b", "0");
    const logged = page.waitForEvent("console", (message) => message.type() === "error");
    await page.click("#calc-form button[type=submit]");
    await logged;
    await page.locator("#calc-resultado.erro").waitFor();
    assert.match((await page.textContent("#calc-resultado")) ?? "", /INVALID_ARGUMENT: b must not be 0/);
    // Chromium logs every 4xx answer to the console; this one was asked for, and is the only one.
    const refused = consoleErrors.splice(0);
    assert.equal(refused.length, 1, refused.join("\n"));
    assert.match(refused[0]!, /status of 400/);
    await page.fill("#square-n", "81");
    await page.selectOption("#square-op", "sqrt");
    await page.click("#square-form button[type=submit]");
    await page.locator("#square-resultado:not(:empty)").waitFor();
    assert.equal(await page.textContent("#square-resultado"), "9");
  });

  it("hello answers from the keyboard, and numbers appear while they stream", T, async () => {
    await page.fill("#hello-nome", "Teste");
    await page.focus("#hello-nome");
    await page.keyboard.press("Enter");
    await page.locator("#hello-resultado:not(:empty)").waitFor();
    assert.equal(await page.textContent("#hello-resultado"), "Olá, Teste! [A] (de A)");

    // A long stream: some numbers are on screen while it is still running; then the user stops it.
    await page.fill("#numbers-count", "1000");
    await page.fill("#numbers-delay", "50");
    await page.click("#numbers-iniciar");
    await page.locator("#numbers-lista li:nth-child(3)").waitFor();
    assert.equal(await page.textContent("#numbers-status"), "Recebendo…");
    await page.click("#numbers-parar");
    await page.locator("#numbers-status", { hasText: /^Parado/ }).waitFor();
    const shown = await page.locator("#numbers-lista li").allTextContents();
    assert.ok(shown.length >= 3 && shown.length < 1000, `${shown.length} numbers`);
    assert.deepEqual(shown, shown.map((_, i) => String(i + 1)));

    // A short one runs to its end.
    await page.fill("#numbers-count", "6");
    await page.fill("#numbers-delay", "5");
    await page.click("#numbers-iniciar");
    await page.locator("#numbers-status", { hasText: /^Fim/ }).waitFor();
    assert.deepEqual(await page.locator("#numbers-lista li").allTextContents(), ["1", "2", "3", "4", "5", "6"]);
  });

  it("runs a short simulator scenario and shows its report; a screenshot is saved", T, async () => {
    await page.selectOption("#sim-cenario", "crash-each");
    await page.fill("#sim-pedidos", "20");
    await page.click("#sim-rodar");
    await page.locator("#sim-veredito").waitFor();
    assert.equal(await page.textContent("#sim-veredito"), "Todos os invariantes valem.");
    assert.ok((await page.locator("ul.invariantes li[data-ok=true]").count()) >= 5);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}gateway-page.png`, fullPage: true });
    assert.ok(existsSync(`${ARTIFACTS}gateway-page.png`));
    assert.deepEqual(consoleErrors, []);
  });
});
