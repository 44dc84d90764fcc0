"""Headings, numbers and dates in the map's language (English and Russian).

Every table is keyed by locale code, so adding a language is adding one entry to each
table, and a test checks that every locale of the format has every key.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import MappingProxyType

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "journey_map": "Customer journey map",
        "persona": "Persona",
        "segment": "Segment",
        "goals": "Goals",
        "needs": "Needs",
        "pains": "Pains",
        "jtbd": "Job to be done",
        "motivations": "Motivations",
        "rational": "Rational",
        "emotional": "Emotional",
        "stage": "Stage",
        "phase": "Phase",
        "customer_goal": "Customer goal",
        "actions": "Actions",
        "thoughts": "Thoughts",
        "expectations": "Expectations",
        "touchpoints": "Touchpoints",
        "channel": "Channel",
        "emotion": "Emotion",
        "emotion_curve": "Emotion curve",
        "objections": "Objections and responses",
        "barriers": "Barriers and recommendations",
        "response": "Response",
        "recommendation": "Recommendation",
        "no_response": "No response yet",
        "no_recommendation": "No recommendation yet",
        "kpis": "KPIs",
        "target": "target",
        "actual": "actual",
        "not_measured": "not measured",
        "funnel": "Funnel",
        "entered": "entered",
        "advanced": "advanced",
        "drop_off": "drop-off",
        "opportunities": "Opportunities",
        "strategy": "Strategy",
        "evidence": "Evidence",
        "evidence_data": "data",
        "evidence_partial": "partly data",
        "evidence_assumption": "assumption",
        "evidence_none": "not stated",
        "findings": "Findings",
        "no_findings": "No findings.",
        "error": "Errors",
        "warning": "Warnings",
        "info": "Notes",
        "weakest_stages": "Weakest stages",
        "score": "score",
        "growth_points": "Growth points",
        "growth_model": "Revenue if each stage reached its target conversion, the stages after it "
        "converting as they do now.",
        "conversion": "conversion",
        "customers_gained": "customers gained",
        "revenue": "revenue",
        "profit": "profit",
        "lifetime_revenue": "lifetime revenue",
        "no_target": "Stages before the purchase without a target conversion",
        "not_ranked": "Not ranked: all {n} stages score the same. Add funnel figures, KPIs with actual "
        "values or emotions to tell them apart.",
        "set_target": "Set one with funnel.target on the stage or analysis.conversion_targets in cjm.yaml.",
        "channels": "Channels",
        "updated": "Updated",
        "owner": "Owner",
        "maps": "Journey maps",
        "legend": "Legend",
        "unresolved": "unanswered objection or barrier",
        "economics": "Average order value",
    },
    "ru": {
        "journey_map": "Карта пути клиента",
        "persona": "Персона",
        "segment": "Сегмент",
        "goals": "Цели",
        "needs": "Потребности",
        "pains": "Боли",
        "jtbd": "Работа (JTBD)",
        "motivations": "Мотивации",
        "rational": "Рациональные",
        "emotional": "Эмоциональные",
        "stage": "Этап",
        "phase": "Фаза",
        "customer_goal": "Цель клиента",
        "actions": "Действия",
        "thoughts": "Мысли",
        "expectations": "Ожидания",
        "touchpoints": "Точки контакта",
        "channel": "Канал",
        "emotion": "Эмоция",
        "emotion_curve": "Кривая эмоций",
        "objections": "Возражения и ответы",
        "barriers": "Барьеры и рекомендации",
        "response": "Ответ",
        "recommendation": "Рекомендация",
        "no_response": "Ответа пока нет",
        "no_recommendation": "Рекомендации пока нет",
        "kpis": "KPI",
        "target": "цель",
        "actual": "факт",
        "not_measured": "не измерено",
        "funnel": "Воронка",
        "entered": "вошли",
        "advanced": "перешли дальше",
        "drop_off": "отток",
        "opportunities": "Возможности",
        "strategy": "Стратегия",
        "evidence": "Основание",
        "evidence_data": "данные",
        "evidence_partial": "частично данные",
        "evidence_assumption": "предположение",
        "evidence_none": "не указано",
        "findings": "Замечания",
        "no_findings": "Замечаний нет.",
        "error": "Ошибки",
        "warning": "Предупреждения",
        "info": "Заметки",
        "weakest_stages": "Самые слабые этапы",
        "score": "балл",
        "growth_points": "Точки роста",
        "growth_model": "Выручка, если этап достигнет целевой конверсии, а следующие этапы сохранят "
        "нынешнюю конверсию.",
        "conversion": "конверсия",
        "customers_gained": "клиентов прибавится",
        "revenue": "выручка",
        "profit": "прибыль",
        "lifetime_revenue": "выручка за всё время клиента",
        "no_target": "Этапы до покупки без целевой конверсии",
        "not_ranked": "Этапы не ранжированы: у всех {n} этапов одинаковый балл. Добавьте данные воронки, "
        "фактические значения KPI или эмоции, чтобы их различить.",
        "set_target": "Задайте её в funnel.target у этапа или в analysis.conversion_targets в cjm.yaml.",
        "channels": "Каналы",
        "updated": "Обновлено",
        "owner": "Ответственный",
        "maps": "Карты пути клиента",
        "legend": "Легенда",
        "unresolved": "возражение без ответа или барьер без рекомендации",
        "economics": "Средний чек",
    },
}

PHASES = {
    "en": {
        "awareness": "Awareness", "consideration": "Consideration", "purchase": "Purchase",
        "onboarding": "Onboarding", "usage": "Usage", "retention": "Retention", "advocacy": "Advocacy",
    },
    "ru": {
        "awareness": "Осведомлённость", "consideration": "Выбор", "purchase": "Покупка",
        "onboarding": "Начало использования", "usage": "Использование", "retention": "Удержание",
        "advocacy": "Рекомендации",
    },
}  # fmt: skip

MONTHS = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    # Genitive: dates read "5 марта 2026".
    "ru": (
        "января", "февраля", "марта", "апреля", "мая", "июня",
        "июля", "августа", "сентября", "октября", "ноября", "декабря",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class NumberStyle:
    thousands: str
    decimal: str
    #: Between a number and its percent sign.
    percent_gap: str


NUMBERS = {
    "en": NumberStyle(thousands=",", decimal=".", percent_gap=""),
    # Russian: non-breaking space between thousands, comma as decimal mark, spaced percent sign.
    "ru": NumberStyle(thousands="\u00a0", decimal=",", percent_gap="\u00a0"),
}


class Locale:
    """Formatting for one language; ``Locale("xx")`` falls back to English."""

    def __init__(self, code: str | None) -> None:
        self.code = code if code in LABELS else "en"
        # Read-only: views share these tables, and a template must not change them for the next map.
        self.labels = MappingProxyType(LABELS[self.code])
        self.phases = MappingProxyType(PHASES[self.code])
        self._months = MONTHS[self.code]
        style = NUMBERS[self.code]
        self._separators = str.maketrans({",": style.thousands, ".": style.decimal})
        self._percent_gap = style.percent_gap

    def number(self, value: float | None, digits: int = 2) -> str:
        if value is None:
            return ""
        text = f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"
        if text in ("-0", ""):
            text = "0"
        return text.translate(self._separators)

    def percent(self, ratio: float | None, digits: int = 1) -> str:
        if ratio is None:
            return ""
        return f"{self.number(ratio * 100, digits)}{self._percent_gap}%"

    def date(self, value: datetime.date | None) -> str:
        if value is None:
            return ""
        return f"{value.day} {self._months[value.month - 1]} {value.year}"

    def money(self, value: float | None, currency: str) -> str:
        if value is None:
            return ""
        return f"{self.number(value, 0)}\u00a0{currency}"
