"""The credit file 客户资信档案 as a PDF (DOMAIN §11): one HTML page, rendered by WeasyPrint in the reader's
language with Debian's Noto CJK fonts (``apt-get install fonts-noto-cjk``), charts drawn as SVG on the server."""

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit.forms import FIVE_C_LABELS
from credit.models import Indicator, PaymentGrade, limit_standing_text, reason_texts
from credit.rules.ageing import BUCKETS
from credit.selectors import CreditFile, credit_file_read, policy_current
from customers.models import InformationSource, Section
from customers.sections import SECTION_FIELDS, SECTION_MODELS

TIER_LEVEL = {"A": 4, "B": 3, "C": 2, "D": 1}
STYLESHEET = Path(settings.BASE_DIR) / "static" / "credit" / "credit_file.css"
INSTALL_HINT = "apt-get install -y fonts-noto-cjk (Debian/Ubuntu), or any Noto Sans CJK SC font"


class CreditFileUnavailable(Exception):
    """This machine cannot draw the credit file; the message says what to install."""


@lru_cache(maxsize=1)
def cjk_font_installed() -> bool:
    """A font that covers simplified Chinese is installed (fontconfig's ``fc-list :lang=zh``)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False)  # noqa: S603
    return bool(found.stdout.strip())


def history_svg(file: CreditFile) -> SafeString:
    """Tier (A top, D bottom) over the recorded changes, oldest left, each point labelled with its grade."""
    rows = list(reversed(file.history))
    if not rows:
        return mark_safe("")
    width, height, left, top, step = 520, 120, 24, 14, 26
    gap = (width - left - 10) / max(len(rows) - 1, 1)
    points = [(left + i * gap, top + (4 - TIER_LEVEL[row.tier]) * step) for i, row in enumerate(rows)]
    grades = dict(PaymentGrade.choices)
    marks = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#0d6efd"/>'
        f'<text x="{x:.1f}" y="{y - 5:.1f}" font-size="8" text-anchor="middle">{grades[row.payment_grade][:1]}</text>'
        for (x, y), row in zip(points, rows, strict=True)
    )
    axis = "".join(
        f'<text x="2" y="{top + (4 - level) * step + 3}" font-size="9">{tier}</text>'
        for tier, level in TIER_LEVEL.items()
    )
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    first, last = rows[0].on.isoformat(), rows[-1].on.isoformat()
    return mark_safe(  # noqa: S308 (numbers and our own labels only)
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">{axis}'
        f'<polyline points="{line}" fill="none" stroke="#0d6efd" stroke-width="1.5"/>{marks}'
        f'<text x="{left}" y="{height - 2}" font-size="8">{first}</text>'
        f'<text x="{width - 10}" y="{height - 2}" font-size="8" text-anchor="end">{last}</text></svg>'
    )


def section_briefs(customer) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each dossier section's filled fields, long texts cut to a line (DOMAIN §11: "the sections in brief")."""
    briefs = []
    for section, model in SECTION_MODELS.items():
        row = getattr(customer, section)
        fields = []
        for name in SECTION_FIELDS[section][customer.kind]:
            value = getattr(row, name, None)
            if value not in (None, ""):
                text = str(value)
                fields.append(
                    (str(model._meta.get_field(name).verbose_name), text[:160] + ("…" if len(text) > 160 else ""))
                )
        briefs.append((str(Section(section).label), fields))
    return briefs


AGEING_LABELS = {
    "not_due": gettext_lazy("Not yet due"),
    "1_30": gettext_lazy("1–30 days overdue"),
    "31_60": gettext_lazy("31–60 days overdue"),
    "61_90": gettext_lazy("61–90 days overdue"),
    "over_90": gettext_lazy("Over 90 days overdue"),
}


def assessment_rows(assessment) -> list[tuple[str, object, object]]:
    """An assessment's criteria in words with their ratings and weights (5C dimensions or the model's indicators,
    labelled as the model version recorded on it)."""
    if assessment.method == "5c":
        labels = {key: str(label) for key, label in FIVE_C_LABELS.items()}
    else:
        indicators = Indicator.objects.filter(model_id=assessment.scoring_model_id)
        labels = {indicator.key: indicator.label_text for indicator in indicators}
    return [(labels.get(key, key), rating, assessment.weights.get(key)) for key, rating in assessment.ratings.items()]


def credit_file_pdf(file: CreditFile, *, language: str, today) -> bytes:
    """The PDF of ``file`` in ``language`` (``zh-hans`` or ``en``)."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # the Python package, or Pango under it, is missing
        raise CreditFileUnavailable(f"WeasyPrint cannot run here ({error}): pip install weasyprint") from None
    if not cjk_font_installed():
        raise CreditFileUnavailable(f"No Chinese font is installed: {INSTALL_HINT}")
    with translation.override(language):
        context = {
            "file": file,
            "customer": file.dossier.customer,
            "today": today,
            "reasons": reason_texts(file.profile.reasons, policy_current().as_rule()),
            "standing": limit_standing_text(file.standing),
            "buckets": [(AGEING_LABELS[bucket], file.ageing[bucket]) for bucket in BUCKETS],
            "assessments": [(assessment, assessment_rows(assessment)) for assessment in file.assessments],
            "weakest_source_label": InformationSource(file.weakest_source).label if file.weakest_source else None,
            "exposure": sum(file.ageing.values()),
            "history_chart": history_svg(file),
            "sections": section_briefs(file.dossier.customer),
            "title": _("Credit file"),
        }
        html = render_to_string("credit/credit_file.html", context)
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))])


def credit_file_response(dossier, *, language: str, today) -> HttpResponse:
    """The download: the PDF as an attachment, or 503 with the words of what to install on this machine."""
    try:
        pdf = credit_file_pdf(credit_file_read(dossier=dossier, today=today), language=language, today=today)
    except CreditFileUnavailable as missing:
        text = _("The credit file cannot be drawn on this server: %(what)s") % {"what": missing}
        return HttpResponse(text, status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"credit-file-{dossier.customer.code}-{today.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
