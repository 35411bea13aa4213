"""Excel export and import helpers shared by every module (CONVENTIONS.md "HTTP conventions").

Exports convert aware datetimes to local time (openpyxl refuses aware ones) and neutralise cells
that a spreadsheet would run as a formula (``= + - @``, CSV/formula injection).
"""

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value):
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def workbook_response(
    filename: str, sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    """One sheet, a bold header row, sensible widths, streamed as an attachment."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = str(sheet_title)[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) * 2 + 2 for h in headers]
    for row in rows:
        values = [cell_value(v) for v in row]
        sheet.append(values)
        for i, v in enumerate(values):
            widths[i] = min(60, max(widths[i], len(str(v)) + 2))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


class WorkbookError(ValueError):
    """The upload is not a readable .xlsx workbook."""


def read_rows(
    uploaded, *, max_bytes: int, max_rows: int
) -> tuple[list[str], list[tuple[int, list]]]:
    """Header and ``(sheet row number, values)`` of the first sheet's non-blank rows, so error
    reports name the row a person sees in Excel. Refuses anything but a small .xlsx."""
    if uploaded.size > max_bytes:
        raise WorkbookError("too_big")
    head = uploaded.read(4)
    uploaded.seek(0)
    if head != b"PK\x03\x04":
        raise WorkbookError("not_xlsx")
    try:
        workbook = load_workbook(uploaded, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise WorkbookError("unreadable") from exc
    sheet = workbook.worksheets[0]
    rows = []
    header: list[str] = []
    for index, row in enumerate(sheet.iter_rows(values_only=True)):
        values = ["" if v is None else v for v in row]
        if index == 0:
            header = [str(v).strip() for v in values]
            continue
        if not any(str(v).strip() for v in values):
            continue
        if len(rows) >= max_rows:
            raise WorkbookError("too_many_rows")
        rows.append((index + 1, values))
    workbook.close()
    return header, rows
