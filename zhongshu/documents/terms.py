"""The Chinese words behind the stored keys, for the proofreader and the renderer.

The models store short English keys (API-friendly, language-neutral); the national standards
speak in 文种, 格式 and 行文方向 words, which :mod:`.proofread.terms` and :mod:`.render.standard`
define. This is the one place that maps between them.
"""

from zhongshu.core.models import Classification

from .models import Direction, Kind, Layout, Urgency
from .proofread import terms as pt

KIND_WORDS = {
    Kind.RESOLUTION: pt.RESOLUTION,
    Kind.DECISION: pt.DECISION,
    Kind.ORDER: pt.ORDER,
    Kind.COMMUNIQUE: pt.COMMUNIQUE,
    Kind.ANNOUNCEMENT: pt.ANNOUNCEMENT,
    Kind.PUBLIC_NOTICE: pt.PUBLIC_NOTICE,
    Kind.OPINION: pt.OPINION,
    Kind.NOTICE: pt.NOTICE,
    Kind.CIRCULAR: pt.CIRCULAR,
    Kind.REPORT: pt.REPORT,
    Kind.REQUEST: pt.REQUEST,
    Kind.REPLY: pt.REPLY,
    Kind.MOTION: pt.MOTION,
    Kind.LETTER: pt.LETTER,
    Kind.MINUTES: pt.MINUTES,
}
LAYOUT_WORDS = {
    Layout.FILE: pt.FORMAT_FILE,
    Layout.LETTER: pt.FORMAT_LETTER,
    Layout.MINUTES: pt.FORMAT_MINUTES,
    Layout.ORDER: pt.FORMAT_ORDER,
}
DIRECTION_WORDS = {
    Direction.UP: pt.UPWARD,
    Direction.LATERAL: pt.LATERAL,
    Direction.DOWN: pt.DOWNWARD,
}
URGENCY_WORDS = {Urgency.NORMAL: "", Urgency.URGENT: "加急", Urgency.VERY_URGENT: "特急"}
# 密级 as printed; 内部 is not a state secret and is not printed as one.
CLASSIFICATION_WORDS = {
    Classification.PUBLIC: "",
    Classification.INTERNAL: "",
    Classification.SECRET: "秘密",
    Classification.CONFIDENTIAL: "机密",
    Classification.TOP_SECRET: "绝密",
}
# The kind's usual direction (gongwen.md §1.1), proposed when a draft starts.
USUAL_DIRECTION = {
    kind: {v: k for k, v in DIRECTION_WORDS.items()}[word]
    for kind, word in ((k, pt.USUAL_DIRECTION.get(w)) for k, w in KIND_WORDS.items())
    if word
}
# 上行文 (请示, 报告 and any document marked upward) are signed by the 主要负责人 (条例 §20).
ALWAYS_UPWARD = (Kind.REQUEST, Kind.REPORT)
