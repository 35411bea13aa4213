"""Output of outgoing documents: the PDF and DOCX downloads, the print run with one copy per 份号,
the findings panel with the office's overrides, the 发文稿纸 and the office's typo list (issue 4
§8, §10, §11).

Every view fetches the document through ``selectors.document_get_for``: whoever may not see it —
another unit, not involved, or cleared below its 密级 — gets an audited 404. Every read of a
document marked 秘密 or above leaves a ``documents.read`` event with its classification.
Downloads are attachments (RFC 5987 file name), never rendered inline, with ``nosniff``.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from zhongshu.core.denials import deny, require
from zhongshu.core.forms import add_validation_errors
from zhongshu.core.rules import is_business_user

from . import output, proofreading, rules, selectors
from .models import OfficeTypo, OutgoingDocument, State
from .proofread import DEFAULT_TYPOS
from .render import RenderError
from .view_steps import audit_read

OBJECT_TYPE = "documents.outgoingdocument"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PANEL = "documents/_findings.html"
FINDINGS_PAGE = "documents/findings.html"

business_object = require(is_business_user, status=404, object_type=OBJECT_TYPE)
office_page = require(rules.is_office)

# Where a finding is (proofread.ELEMENTS), as the panel names it.
ELEMENT_LABELS = {
    "copy_number": gettext_lazy("Copy number (份号)"),
    "classification": gettext_lazy("Classification (密级)"),
    "secrecy_period": gettext_lazy("Period of secrecy"),
    "urgency": gettext_lazy("Urgency"),
    "issuer_mark": gettext_lazy("Issuing organ mark (发文机关标志)"),
    "doc_number": gettext_lazy("Document number (发文字号)"),
    "signers": gettext_lazy("Signer (签发人)"),
    "title": gettext_lazy("Title"),
    "main_recipients": gettext_lazy("Main recipients"),
    "body": gettext_lazy("Body"),
    "attachments": gettext_lazy("Attachments listed"),
    "signatures": gettext_lazy("Issuing organ signature (署名)"),
    "date": gettext_lazy("Date of issue (成文日期)"),
    "seal": gettext_lazy("Seal"),
    "note": gettext_lazy("Note (附注)"),
    "attachment_titles": gettext_lazy("Attached files"),
    "cc": gettext_lazy("Copies to"),
    "print_date": gettext_lazy("Printing date"),
}
# What a RenderError's field is called on the form.
# --- Helpers ----------------------------------------------------------------------------------


def _document(request, pk) -> OutgoingDocument:
    """The document, or an audited 404 for whoever may not see it (STYLE.md "Selectors")."""
    try:
        return selectors.document_get_for(request.user, pk)
    except Http404:
        deny(request, status=404, object_type=OBJECT_TYPE, object_id=pk)


def _record_read(request, document: OutgoingDocument, what: str) -> None:
    """Every read of 秘密 and above is audited (issue 4 §11; security.md C1)."""
    audit_read(request.user, document, **{"as": what})


def _cannot_print(request, document: OutgoingDocument, problem: str, *, status: int = 409):
    """The findings page with what stops printing: the findings usually say how to fix it."""
    context = _findings_context(request, document, problem=problem)
    _record_read(request, document, "findings")
    return render(request, FINDINGS_PAGE, context, status=status)


# --- Downloads --------------------------------------------------------------------------------


@business_object
@require_GET
def document_pdf(request, pk):
    """The document as a PDF laid out to GB/T 9704, one copy (a draft prints as a draft)."""
    document = _document(request, pk)
    try:
        content = output.pdf_bytes(document)
    except RenderError as exc:
        return _cannot_print(request, document, output.render_problem(exc))
    _record_read(request, document, "pdf")
    return output.file_response(
        document, content, name=output.file_name(document, "pdf"), content_type=PDF
    )


@business_object
@require_GET
def document_docx(request, pk):
    """The same document as an editable DOCX for Word and WPS."""
    document = _document(request, pk)
    try:
        content = output.docx_bytes(document)
    except RenderError as exc:
        return _cannot_print(request, document, output.render_problem(exc))
    _record_read(request, document, "docx")
    return output.file_response(
        document, content, name=output.file_name(document, "docx"), content_type=DOCX
    )


@business_object
@require_GET
def document_pdf_copies(request, pk):
    """The print run (印制): one copy per 份号, each with its number. The office only."""
    document = _document(request, pk)
    if not rules.is_office(request.user):
        deny(request, status=403, object_type=OBJECT_TYPE, object_id=pk)
    if not document.copy_numbers.exists():
        return _cannot_print(
            request,
            document,
            _("This document has no copy numbers (份号) yet; they are given at registration."),
        )
    try:
        content = output.pdf_bytes(document, copies=True)
    except RenderError as exc:
        return _cannot_print(request, document, output.render_problem(exc))
    _record_read(request, document, "pdf_copies")
    name = output.file_name(document, "pdf", _("copies"))
    return output.file_response(document, content, name=name, content_type=PDF)


# --- Findings panel ---------------------------------------------------------------------------


def _location_label(element: str, index: int | None) -> str:
    label = ELEMENT_LABELS.get(element, element)
    if index is None:
        return str(label)
    if element == "body":
        return _("Body, paragraph %(n)d") % {"n": index + 1}
    return _("%(element)s, entry %(n)d") % {"element": label, "n": index + 1}


def _next_url(request, document: OutgoingDocument) -> str:
    """Where a plain form goes back to: the page the panel sits on, if it is ours."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if not url and getattr(request, "htmx", False):
        url = request.htmx.current_url_abs_path or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("documents:document_findings", args=[document.pk])


def _findings_context(request, document, *, notices=(), problem="", form_errors=None) -> dict:
    checked = proofreading.run_checked(document)
    rows = [
        {
            "finding": c.finding,
            "key": c.key,
            "place": c.place,
            "where": _location_label(c.place.element, c.place.index),
            "errors": (form_errors or {}).get(c.key, []),
        }
        for c in checked
    ]
    may_override = rules.is_office(request.user) and document.state == State.REVIEW
    return {
        "document": document,
        "rows": rows,
        "errors": document.findings_errors,
        "warnings": document.findings_warnings,
        "overrides": list(document.overrides.select_related("created_by").order_by("created_at")),
        "may_override": may_override,
        "reason_max": proofreading.REASON_MAX,
        "notices": list(notices),
        "problem": problem,
        "next_url": _next_url(request, document),
        "panel_url": reverse("documents:document_findings", args=[document.pk]),
    }


def _panel(request, context) -> HttpResponse:
    """The panel alone, for htmx: no page shell, so no context processors."""
    return HttpResponse(render_to_string(PANEL, {**context, "csrf_token": get_token(request)}))


@business_object
@require_GET
@vary_on_headers("HX-Request")
def document_findings(request, pk):
    """The proofreading findings of the current text, each with its place in it; for the office
    at 审核, a form to let an error stand (issue 4 §10)."""
    document = _document(request, pk)
    context = _findings_context(request, document)
    _record_read(request, document, "findings")
    if request.htmx:
        return _panel(request, context)
    return render(request, FINDINGS_PAGE, context)


@business_object
@require_POST
def finding_override(request, pk):
    """The office, at 审核, keeps a standard-breaking finding with a reason (audited)."""
    document = _document(request, pk)
    if not rules.is_office(request.user):
        deny(request, status=403, object_type=OBJECT_TYPE, object_id=pk)
    key = request.POST.get("key", "")[:64]
    notices, form_errors, status = [], {}, 200
    try:
        proofreading.override(
            actor=request.user, document=document, key=key, reason=request.POST.get("reason", "")
        )
    except proofreading.NotAtReview as exc:
        notices.append(("error", str(exc)))
        status = 409
    except PermissionDenied:
        deny(request, status=403, object_type=OBJECT_TYPE, object_id=pk)
    except ValidationError as exc:
        texts = [m for errors in exc.message_dict.values() for m in errors]
        if "reason" in exc.message_dict:
            form_errors[key] = exc.message_dict["reason"]
        notices += [("error", m) for m in texts]
        status = 400
    else:
        notices.append(("success", _("The finding stands, with your reason recorded.")))
    document.refresh_from_db()
    if request.htmx:
        # htmx swaps 2xx answers only: a refusal is said inside the panel.
        return _panel(
            request, _findings_context(request, document, notices=notices, form_errors=form_errors)
        )
    if status != 200:
        context = _findings_context(request, document, notices=notices, form_errors=form_errors)
        return render(request, FINDINGS_PAGE, context, status=status)
    for level, text in notices:
        messages.add_message(
            request, messages.SUCCESS if level == "success" else messages.ERROR, text
        )
    return redirect(_next_url(request, document))


# --- 发文稿纸 ------------------------------------------------------------------------------------


def _cover_document(request, pk) -> OutgoingDocument:
    document = _document(request, pk)
    # The names on the sheet, in one query with the document.
    return (
        OutgoingDocument.objects.select_related("unit", "department", "drafter", "signed_by")
        .filter(pk=document.pk)
        .get()
    )


@business_object
@require_GET
def cover_sheet(request, pk):
    """The 发文稿纸: the document's particulars and every opinion in route order, for printing."""
    document = _cover_document(request, pk)
    _record_read(request, document, "cover_sheet")
    return render(request, "documents/cover_sheet.html", output.cover_sheet_context(document))


@business_object
@require_GET
def cover_sheet_pdf(request, pk):
    """The 发文稿纸 as a PDF (for the archival package and for printing without a browser)."""
    document = _cover_document(request, pk)
    html = render_to_string(
        "documents/cover_sheet_pdf.html", output.cover_sheet_context(document), request=request
    )
    content = output.cover_sheet_pdf(html)
    _record_read(request, document, "cover_sheet_pdf")
    name = output.file_name(document, "pdf", _("cover sheet"))
    return output.file_response(document, content, name=name, content_type=PDF)


# --- The office's typo list -------------------------------------------------------------------


class TypoForm(forms.Form):
    wrong = forms.CharField(
        label=gettext_lazy("Mistyped word"),
        max_length=proofreading.TYPO_MAX,
        help_text=gettext_lazy("As it is mistyped, for example 己经."),
    )
    right = forms.CharField(
        label=gettext_lazy("Correct word"),
        max_length=proofreading.TYPO_MAX,
        help_text=gettext_lazy("For example 已经."),
    )
    exceptions = forms.CharField(
        label=gettext_lazy("Correct words that contain it"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Not reported inside these words; separate them with spaces or commas, for example "
            "自己经常."
        ),
    )

    def clean_exceptions(self):
        raw = self.cleaned_data["exceptions"].replace("，", ",").replace("、", ",")
        return [w for w in raw.replace(",", " ").split() if w]


@office_page
@require_http_methods(["GET", "POST"])
def typo_list(request):
    """The office's typo list (R29): the built-in words and the office's own, which it adds and
    removes. Proofreading uses it from the next run on."""
    form = TypoForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = proofreading.typo_add(
                    actor=request.user,
                    wrong=data["wrong"],
                    right=data["right"],
                    exceptions=data["exceptions"],
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(
                    request, _("“%(word)s” added to the typo list.") % {"word": entry.wrong}
                )
                return redirect("documents:typo_list")
    entries = proofreading.office_typo_entries(request.user.unit_id)
    own = {entry.wrong for entry in entries}
    context = {
        "form": form,
        "entries": entries,
        "built_in": [t for t in DEFAULT_TYPOS if t.wrong not in own],
    }
    return render(request, "documents/typos.html", context, status=status)


@require(rules.is_office, status=404, object_type="documents.officetypo")
@require_POST
def typo_delete(request, pk):
    entry = OfficeTypo.objects.filter(
        pk=pk, unit_id=request.user.unit_id, deleted_at__isnull=True
    ).first()
    if entry is None:
        deny(request, status=404, object_type="documents.officetypo", object_id=pk)
    proofreading.typo_remove(actor=request.user, entry=entry)
    messages.success(request, _("“%(word)s” removed from the typo list.") % {"word": entry.wrong})
    return redirect("documents:typo_list")
