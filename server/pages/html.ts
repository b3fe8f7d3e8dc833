// Conventions of the public pages (what members see on their phones):
// - Server-rendered HTML from plain template functions; every interpolated value is escaped by `html`, and only
//   `SafeHtml` (built by `html` itself or `raw` for trusted constants) goes in unescaped.
// - Work without JavaScript (forms post and the server answers with the next page); CSS inline in the page, mobile
//   first; pages stay far below 30 KB. The CSP allows inline styles but no inline scripts.
// - Accessible: one <h1>, labelled fields, errors listed in an alert summary and tied to their field with
//   aria-describedby / aria-invalid, visible focus, text that does not rely on colour alone.
// - Copy in every supported language lives in i18n.ts; a page picks the language from ?lang= or Accept-Language.

export type SafeHtml = { readonly __html: string };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** Marks trusted markup (constants, never user input) as safe. */
export const raw = (markup: string): SafeHtml => ({ __html: markup });

const isSafe = (value: unknown): value is SafeHtml => typeof value === 'object' && value !== null && '__html' in value;

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (isSafe(value)) return value.__html;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** The HTML template tag: `html\`<p>${name}</p>\`` escapes `name` unless it is SafeHtml; arrays are concatenated. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return raw(out);
}

/** Plain text typed by an organizer as paragraphs (blank lines) and line breaks. */
export function paragraphs(text: string): SafeHtml {
  const blocks = text
    .trim()
    .split(/\n\s*\n/)
    .filter((block) => block.trim() !== '');
  return html`${blocks.map((block) => html`<p>${block.split('\n').map((line, i) => (i === 0 ? line : html`<br>${line}`))}</p>`)}`;
}

const STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1b1e;background:#f4f5f7}
main{max-width:34rem;margin:0 auto;padding:1.25rem 1rem 2.5rem;background:#fff;min-height:100vh}
@media(min-width:40rem){main{margin:2rem auto;min-height:0;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.08);padding:2rem}}
.org{margin:0 0 .25rem;color:#495057;font-size:.9rem;font-weight:600;text-transform:uppercase;letter-spacing:.04em}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .75rem}
a{color:#1c5fb8}
a:focus,button:focus,input:focus{outline:3px solid #f59f00;outline-offset:2px}
.field{margin:0 0 1rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
.opt{font-weight:400;color:#495057}
.hint{margin:.1rem 0 .35rem;color:#495057;font-size:.9rem}
input[type=text],input[type=tel],input[type=email]{width:100%;font:inherit;font-size:1.1rem;padding:.65rem .75rem;border:1px solid #868e96;border-radius:8px;background:#fff;color:inherit}
input[aria-invalid=true]{border:2px solid #c92a2a}
.err{color:#c92a2a;font-weight:600;margin:.25rem 0 0}
.consent{display:flex;gap:.6rem;align-items:flex-start;padding:.75rem;border:1px solid #ced4da;border-radius:8px;background:#f8f9fa}
.consent input{width:1.4rem;height:1.4rem;margin:.15rem 0 0;flex:none}
.consent label{font-weight:400;margin:0}
button{display:block;width:100%;font:inherit;font-size:1.1rem;font-weight:700;padding:.8rem 1rem;border:0;border-radius:8px;background:#1c5fb8;color:#fff;cursor:pointer}
button.secondary{background:#e9ecef;color:#1a1b1e;font-weight:600;margin-top:.75rem}
.summary{border:2px solid #c92a2a;border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem;background:#fff5f5}
.summary h2{font-size:1.05rem;margin:0 0 .25rem}
.summary ul{margin:0;padding-left:1.2rem}
.note{border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem;background:#e7f5ff}
.sim{border:2px dashed #e67700;background:#fff9db;font-size:1.05rem}
.code{font-size:1.6rem;letter-spacing:.3em;text-align:center}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.lang{margin:1.5rem 0 0;font-size:.95rem}
footer{margin-top:2rem;color:#868e96;font-size:.8rem}
`
  .replace(/\n/g, '')
  .trim();

export type PageMeta = {
  lang: string;
  title: string;
  description?: string;
  /** OpenGraph card for links shared in messages and social posts. */
  og?: { title: string; description: string; url: string; siteName: string; locale: string };
  noindex?: boolean;
  /** CSS of one kind of page on top of the shared sheet (a constant of ours, never user input). */
  styles?: string;
};

/** A complete HTML document around a page body. */
export function document(meta: PageMeta, body: SafeHtml): string {
  const og = meta.og;
  return html`<!doctype html>
<html lang="${meta.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${meta.title}</title>
${meta.description ? html`<meta name="description" content="${meta.description}">` : ''}
${meta.noindex ? raw('<meta name="robots" content="noindex">') : ''}
${
  og
    ? html`<meta property="og:type" content="website">
<meta property="og:title" content="${og.title}">
<meta property="og:description" content="${og.description}">
<meta property="og:url" content="${og.url}">
<meta property="og:site_name" content="${og.siteName}">
<meta property="og:locale" content="${og.locale}">
<meta name="twitter:card" content="summary">
<link rel="canonical" href="${og.url}">`
    : ''
}
<style>${raw(STYLE + (meta.styles ?? ''))}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.__html;
}

// Embed mode (`?embed=1`): the same page, compact, for an <iframe> on an organization's own website. The page modules
// render as usual; `embedDocument` turns a finished document into its embeddable variant, so every public page gets
// it without a flag threaded through each template.

const EMBED_STYLE =
  'body.embed{background:#fff}.embed main{max-width:none;margin:0;min-height:0;padding:.75rem;border-radius:0;box-shadow:none}';

/** The language switch each page ends with (the opt-out reminder, also `.lang`, stays). */
const LANGUAGE_SWITCH = /<p class="lang"><a [^>]*hreflang="[^"]*"[^>]*>[^<]*<\/a><\/p>/g;

/**
 * The embeddable variant of a document made by `document`: no outer margins or shadow, no language switch; links open
 * outside the frame (a new tab, so the member keeps the host page), while forms post inside it and carry `embed=1`
 * so the answer is embeddable too.
 */
export function embedDocument(page: string): string {
  return page
    .replace('<body>', '<body class="embed">')
    .replace('</style>', `${EMBED_STYLE}</style>\n<base target="_blank">`)
    .replace(LANGUAGE_SWITCH, '')
    .replace(/<form\b([^>]*)>/g, '<form$1 target="_self"><input type="hidden" name="embed" value="1">');
}
