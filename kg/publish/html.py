"""The site's page frame and small HTML helpers (no template engine, no script, no CDN)."""

from __future__ import annotations

import posixpath
from html import escape

STYLE = """
:root { --ink: #1a202c; --muted: #4a5568; --line: #e2e8f0; --accent: #2b6cb0; --soft: #f7fafc; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.55;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
  "WenQuanYi Micro Hei", system-ui, sans-serif; }
header.site { background: #1a365d; color: #fff; padding: .6rem 1.2rem; display: flex; flex-wrap: wrap;
  gap: 1rem; align-items: baseline; }
header.site a { color: #fff; text-decoration: none; }
header.site .brand { font-weight: 700; font-size: 1.1rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; padding: 1rem 1.2rem; }
a { color: var(--accent); }
h1 { font-size: 1.6rem; margin: .6rem 0 .2rem; }
h1 .en, h2 .en, h3 .en { color: var(--muted); font-weight: 400; font-size: .75em; margin-left: .4rem; }
.iri { color: var(--muted); font-size: .85rem; word-break: break-all; }
.badge { display: inline-block; background: var(--soft); border: 1px solid var(--line); border-radius: 3px;
  padding: 0 .35rem; font-size: .8rem; margin: .1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.evidence blockquote { margin: .1rem 0; padding: .2rem .5rem; border-left: 3px solid #cbd5e0;
  background: var(--soft); font-size: .9rem; }
.evidence cite { display: block; font-style: normal; color: var(--muted); font-size: .78rem; margin-bottom: .3rem; }
.inferred { color: #805ad5; font-size: .8rem; }
.curated { color: #2f855a; font-size: .8rem; }
mark { background: #fefcbf; }
.lang { color: var(--muted); font-size: .75rem; }
.figure { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; padding: .5rem; margin: .5rem 0 1rem; }
.figure svg { max-width: 100%; height: auto; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
ul.columns { columns: 3 16rem; padding-left: 1.2rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
pre { background: var(--soft); padding: .6rem; overflow-x: auto; font-size: .85rem; }
"""


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def relative(target: str, page: str) -> str:
    """The link from the site page ``page`` to the site path ``target`` (both relative to the site root)."""
    if target.startswith(("http://", "https://", "#")):
        return target
    path, _, fragment = target.partition("#")
    link = posixpath.relpath(path, posixpath.dirname(page) or ".")
    return link + (f"#{fragment}" if fragment else "")


def bilingual(zh: str | None, en: str | None) -> str:
    """Chinese first, English after it in a quieter style; either may be missing."""
    parts = []
    if zh:
        parts.append(f'<span lang="zh-Hans">{esc(zh)}</span>')
    if en and en != zh:
        parts.append(f'<span class="en" lang="en">{esc(en)}</span>')
    return " ".join(parts) or ""


def page(path: str, title: str, body: str, *, version: str, alternates: tuple[tuple[str, str], ...] = (),
         description: str = "") -> str:
    """A full HTML document for the site path ``path``; alternates are (href, media type)."""
    def link(target: str) -> str:
        return esc(relative(target, path))

    alternate_links = "".join(f'\n<link rel="alternate" type="{esc(media)}" href="{esc(href)}">'
                              for href, media in alternates)
    nav = " ".join(f'<a href="{link(target)}">{label}</a>' for target, label in (
        ("index.html", "首页 Home"), ("classes.html", "类 Classes"), ("ontology.html", "本体 Ontology"),
        ("reports/index.html", "报表 Reports"), ("indicators.html", "指标 Indicators"),
        ("documents.html", "文献 Documents")))
    return f"""<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · Kaifang KG</title>
<meta name="description" content="{esc(description or title)}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{link('style.css')}">{alternate_links}
</head>
<body>
<header class="site"><a class="brand" href="{link('index.html')}">开放平台知识图谱 Kaifang KG</a>
<nav>{nav}</nav></header>
<main>
{body}
</main>
<footer>Kaifang KG {esc(version)} · <a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>
· evidence quotes are short excerpts attributed to their source documents ·
<a href="{link('../void.ttl')}">VoID/DCAT</a> · <a href="{link('../SHA256SUMS')}">SHA256SUMS</a></footer>
</body>
</html>
"""
