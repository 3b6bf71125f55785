import type { Figure } from "./figures.js";
import { esc } from "./svg.js";
import type { Table } from "./tables.js";
import type { Verdict } from "./analysis.js";

/** What a report page holds. */
export interface ReportContent {
  readonly generatedAt: string;
  readonly verdict: Verdict;
  /** Sections in order: a title, figures, tables and notes. */
  readonly sections: readonly { readonly title: string; readonly notes: readonly string[]; readonly figures: readonly Figure[]; readonly tables: readonly Table[] }[];
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:1320px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}.verdict{background:#f3f7fb;border-left:4px solid #0072B2;padding:.8em 1em}
.figs{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0;max-width:640px}figcaption{font-size:13px;color:#555}
table{border-collapse:collapse;font-size:13px;margin:1em 0}th,td{border:1px solid #ddd;padding:2px 6px;text-align:right}th{background:#f5f5f5}td:first-child,td:nth-child(2){text-align:left}
svg{max-width:100%;height:auto}`;

/** One self-contained HTML page: inline CSS and SVG, no script, nothing fetched. */
export function renderHtml(content: ReportContent): string {
  const table = (t: Table) =>
    `<table><caption>${esc(t.title)}</caption><thead><tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>` +
    t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("") +
    `</tbody></table>`;
  const sections = content.sections
    .map(
      (s) =>
        `<section><h2>${esc(s.title)}</h2>${s.notes.map((p) => `<p>${esc(p)}</p>`).join("")}` +
        `<div class="figs">${s.figures.map((f) => `<figure id="${esc(f.id)}">${f.svg}<figcaption>${esc(f.caption)}</figcaption></figure>`).join("")}</div>` +
        s.tables.map(table).join("") +
        `</section>`,
    )
    .join("");
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>checkout-lab: gRPC vs REST vs in-process</title><style>${STYLE}</style></head><body>` +
    `<h1>checkout-lab: gRPC vs REST vs in-process, measured</h1><p>Generated ${esc(content.generatedAt)} by <code>npm run report</code>.</p>` +
    `<div class="verdict" id="verdict"><p><strong>Is gRPC faster than REST here? ${esc(content.verdict.headline)}</strong></p>${content.verdict.paragraphs.map((p) => `<p>${esc(p)}</p>`).join("")}</div>` +
    sections +
    `</body></html>\n`
  );
}

/** The same content as Markdown (figures named by their captions; the charts are in the HTML page). */
export function renderMarkdown(content: ReportContent): string {
  const cell = (c: string) => c.replace(/\|/g, "\\|");
  const table = (t: Table) =>
    `**${t.title}**\n\n| ${t.header.map(cell).join(" | ")} |\n|${t.header.map(() => " --- ").join("|")}|\n` + t.rows.map((r) => `| ${r.map(cell).join(" | ")} |`).join("\n") + "\n";
  const parts = [
    `# checkout-lab: gRPC vs REST vs in-process, measured\n\nGenerated ${content.generatedAt} by \`npm run report\` (charts in report.html).\n`,
    `## Is gRPC faster than REST here?\n\n**${content.verdict.headline}**\n\n${content.verdict.paragraphs.join("\n\n")}\n`,
    ...content.sections.map((s) => [`## ${s.title}\n`, ...s.notes.map((p) => `${p}\n`), ...s.tables.map(table)].join("\n")),
  ];
  return parts.join("\n");
}
