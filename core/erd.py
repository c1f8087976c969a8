"""Entity-relationship diagrams drawn from the models: one box per table (columns, types, PK/FK), a line per foreign
key, written as SVG by plain Python (no JavaScript, nothing fetched by the browser).

`python manage.py` needs nothing extra: the dictionary page embeds `domain_erd_svg(domain)` and
`/dictionary/<domain>/erd.svg` serves the same drawing as a file.
"""

from __future__ import annotations

import math
from html import escape

from django.conf import settings
from django.http import Http404, HttpResponse

from core.dictionary import Table, domain_dictionary

BOX_WIDTH = 250
HEADER = 26
ROW = 17
GAP_X = 70
GAP_Y = 46
MARGIN = 20
MAX_TYPE_CHARS = 14


def _column_label(column) -> tuple[str, str]:
    mark = "PK" if column.primary_key else "FK" if column.references else ""
    kind = column.type.lower()
    return mark, kind if len(kind) <= MAX_TYPE_CHARS else kind[: MAX_TYPE_CHARS - 1] + "\u2026"


def _layout(tables: list[Table]) -> dict[str, tuple[float, float, float]]:
    """x, y and height of each table's box: a grid in model order (parents first), rows as tall as their tallest."""
    per_row = max(1, math.ceil(math.sqrt(len(tables) * 1.3)))
    boxes = {}
    y = MARGIN
    for start in range(0, len(tables), per_row):
        row = tables[start : start + per_row]
        height = max(HEADER + ROW * len(table.columns) + 6 for table in row)
        for i, table in enumerate(row):
            boxes[table.name] = (MARGIN + i * (BOX_WIDTH + GAP_X), y, HEADER + ROW * len(table.columns) + 6)
        y += height + GAP_Y
    return boxes


def _edge(source, source_row: int, target) -> str:
    """A path from a foreign-key row of `source` to the header of `target`, leaving and entering on the near sides."""
    sx, sy, _ = source
    tx, ty, _ = target
    y1 = sy + HEADER + ROW * source_row + ROW / 2
    y2 = ty + HEADER / 2
    if tx > sx + BOX_WIDTH / 2:
        x1, x2, bend = sx + BOX_WIDTH, tx, 1
    elif tx + BOX_WIDTH / 2 < sx:
        x1, x2, bend = sx, tx + BOX_WIDTH, -1
    else:  # same column of the grid: loop out on the right
        x1, x2 = sx + BOX_WIDTH, tx + BOX_WIDTH
        reach = max(x1, x2) + GAP_X / 2
        return f"M{x1:.0f},{y1:.0f} C{reach:.0f},{y1:.0f} {reach:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
    middle = (x1 + x2) / 2
    return f"M{x1:.0f},{y1:.0f} C{middle + bend * 10:.0f},{y1:.0f} {middle - bend * 10:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"


def erd_svg(tables: list[Table], *, title: str = "") -> str:
    """The diagram of `tables` as a standalone SVG document; boxes link to `#<table>` on the dictionary page."""
    boxes = _layout(tables)
    width = max((x + BOX_WIDTH for x, _, _ in boxes.values()), default=0) + MARGIN + GAP_X / 2
    height = max((y + h for _, y, h in boxes.values()), default=0) + MARGIN
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="erd" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{escape(title or "Diagram")}">',
        "<title>" + escape(title or "Entity-relationship diagram") + "</title>",
        "<defs><marker id='erd-arrow' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' markerHeight='7' "
        "orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z' fill='#2f6fdf'/></marker></defs>",
        "<style>.erd text{font-family:system-ui,sans-serif;font-size:12px;fill:#1f2933}"
        ".erd .erd-head{fill:#2f6fdf}.erd .erd-name{fill:#fff;font-weight:700;font-size:13px}"
        ".erd .erd-box{fill:#fff;stroke:#9aa5b1}.erd .erd-type{fill:#6b7785}.erd .erd-key{font-weight:700;fill:#b7791f}"
        ".erd .erd-edge{fill:none;stroke:#2f6fdf;stroke-opacity:.55;stroke-width:1.3}</style>",
    ]
    names = {table.name for table in tables}
    for table in tables:
        for row, column in enumerate(table.columns):
            if column.references and column.references.split(".")[0] in names:
                target = column.references.split(".")[0]
                parts.append(
                    f'<path class="erd-edge" data-from="{escape(table.name)}.{escape(column.name)}" '
                    f'data-to="{escape(column.references)}" marker-end="url(#erd-arrow)" '
                    f'd="{_edge(boxes[table.name], row, boxes[target])}"/>'
                )
    for table in tables:
        x, y, h = boxes[table.name]
        name = escape(table.name)
        parts.append(f'<g class="erd-table" data-table="{name}" id="erd-{name}">')
        parts.append(
            f'<a href="#{name}"><rect class="erd-box" x="{x}" y="{y}" width="{BOX_WIDTH}" height="{h}" rx="5"/>'
        )
        parts.append(f'<rect class="erd-head" x="{x}" y="{y}" width="{BOX_WIDTH}" height="{HEADER}" rx="5"/>')
        parts.append(f'<text class="erd-name" x="{x + 8}" y="{y + 18}">{name}</text></a>')
        for row, column in enumerate(table.columns):
            mark, kind = _column_label(column)
            baseline = y + HEADER + ROW * row + 13
            parts.append(
                f'<text x="{x + 8}" y="{baseline}"><tspan class="erd-key">{mark}</tspan>'
                f'<tspan x="{x + 32}">{escape(column.name)}</tspan></text>'
                f'<text class="erd-type" x="{x + BOX_WIDTH - 8}" y="{baseline}" text-anchor="end">{escape(kind)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def domain_erd_svg(domain: str) -> str:
    from django.apps import apps

    return erd_svg(domain_dictionary(domain), title=f"{apps.get_app_config(domain).verbose_name}: tables and keys")


def erd_view(request, domain: str):
    """`/dictionary/<domain>/erd.svg`: the diagram as a file (to download, print or put on a slide)."""
    if domain not in settings.DOMAIN_APPS:
        raise Http404(f"no dataset called {domain!r}")
    return HttpResponse(domain_erd_svg(domain), content_type="image/svg+xml")
