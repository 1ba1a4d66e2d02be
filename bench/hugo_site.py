#!/usr/bin/env python3
"""Writes a Hugo site with the same pages as a cutover build of a synthetic institution:
one page per unit with its table of lines, the guidance pages, lists, and one base
template with navigation. No taxonomies, feeds or sitemap.

    python3 bench/hugo_site.py --units 300 --lines-per-unit 60 --out /tmp/hugo-site
"""

import argparse
import pathlib
import random

STATUSES = ["moving", "staying", "blocked", "undecided"]

BASEOF = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title></head>
<body>
<a href="#main">Skip to main content</a>
<header><p>{{ site.Title }}</p></header>
<nav><ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
{{ range (where site.RegularPages "Section" "guide") }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>
<main id="main">{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}
"""

LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--lines-per-unit", type=int, default=60)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    root = pathlib.Path(args.out)
    dice = random.Random(1)

    def write(path, text):
        path = root / path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    write("hugo.toml", 'baseURL = "/"\ntitle = "Moving from Chorus to Telephony over Teams"\n'
          'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\nrelativeURLs = true\n')
    write("layouts/_default/baseof.html", BASEOF)
    write("layouts/_default/single.html", SINGLE)
    write("layouts/_default/list.html", LIST)
    write("content/_index.md", "---\ntitle: Overview\n---\nWhat is changing, and what to do.\n")
    write("content/units/_index.md", "---\ntitle: Unit checklists\n---\nA checklist for every unit.\n")
    write("content/guide/_index.md", "---\ntitle: Guidance\n---\nThe guide's pages.\n")
    words = "the desk phone stops working on the day you move and the project emails you before".split()
    for p in range(args.pages):
        text = "\n\n".join(" ".join(dice.choice(words) for _ in range(60)) for _ in range(5))
        write(f"content/guide/page-{p:02}.md", f"---\ntitle: Guidance page {p}\nweight: {p}\n---\n## Section\n\n{text}\n")
    for u in range(args.units):
        rows = ["| Extension | Holder | Email | Status | Tranche | Desk phone stops |", "|---|---|---|---|---|---|"]
        for line in range(args.lines_per_unit):
            status = dice.choice(STATUSES)
            tranche = dice.choice(["1", "2", "3", "4"]) if status == "moving" else ""
            rows.append(f"| {4_000_000 + u * 1000 + line} | Holder {u}-{line} | holder.{u}.{line}@example.ac.uk | {status} | {tranche} | {'Monday 20 June 2022' if tranche else ''} |")
        write(f"content/units/unit-{u:05}.md", f"---\ntitle: Synthetic unit {u}\n---\n## Lines\n\n" + "\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
