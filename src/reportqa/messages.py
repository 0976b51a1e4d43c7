"""The framing words of answers, in the question's language (Russian, Kazakh, English), and
the notices about an answer (the LLM fell back, the conversation was cut, ...) as codes with
parameters that each front end words in its own language.

Quotes are never translated: they stay in the report's language. Only the words around them
follow the question. A notice is worded in the language of the front end that shows it (the chat
page's switch, the widget's), in English in the JSON beside its code.

Left out: the library still writes notices and the verifier's reasons as English text
(``Answer.notice``, ``Unsupported.reason``); ``read_notices`` and ``reason_text`` read that text
against the one catalogue here, which is what keeps the two from drifting until the answerer
hands over ``Notice`` items itself.
"""

from __future__ import annotations

import re

from .models import Notice

__all__ = [
    "message",
    "LANGUAGES",
    "TEXT",
    "read_notices",
    "notice_text",
    "notice_templates",
    "reason_text",
]

LANGUAGES = ("ru", "kk", "en")

_MESSAGES: dict[str, dict[str, str]] = {
    "answer_intro": {
        "ru": "Согласно отчёту:",
        "kk": "Есеп бойынша:",
        "en": "According to the report:",
    },
    "refusal": {
        "ru": "В отчёте нет ответа на этот вопрос.",
        "kk": "Есепте бұл сұраққа жауап жоқ.",
        "en": "The report does not say.",
    },
    "see_also": {
        "ru": "Ближайшие по теме фрагменты:",
        "kk": "Тақырыбы жақын үзінділер:",
        "en": "Closest passages:",
    },
    "paragraph": {"ru": "абзац", "kk": "абзац", "en": "paragraph"},
    "page": {"ru": "стр.", "kk": "бет", "en": "page"},
    "section": {"ru": "раздел", "kk": "бөлім", "en": "section"},
    # Before the standalone question a follow-up was read as (``Answer.interpreted_as``).
    "interpreted_as": {
        "ru": "Понял вопрос как:",
        "kk": "Сұрақты былай түсіндім:",
        "en": "Understood as:",
    },
}


def message(key: str, language: str) -> str:
    """The text of ``key`` in ``language``, falling back to English."""
    texts = _MESSAGES[key]
    return texts.get(language, texts["en"])


# Notices about an answer, by code. The English text is the one the library writes today (and
# the JSON keeps beside the code); ``{name}`` fields are the notice's parameters.
_EXTRACTIVE = {
    "en": "this is the extractive answer",
    "ru": "показан ответ из цитат отчёта",
    "kk": "есеп дәйексөздерінен құралған жауап көрсетілді",
}
_NOTICES: dict[str, dict[str, str]] = {
    "steering": {
        "en": "the question tells the model what to do («{words}»)",
        "ru": "вопрос указывает модели, что делать («{words}»)",
        "kk": "сұрақ модельге не істеу керегін айтады («{words}»)",
    },
    "llm_timeout": {
        "en": "the LLM did not answer within {seconds} s",
        "ru": "языковая модель не ответила за {seconds} с",
        "kk": "тілдік модель {seconds} с ішінде жауап бермеді",
    },
    "llm_unreachable": {
        "en": "the LLM could not be reached",
        "ru": "языковая модель недоступна",
        "kk": "тілдік модельге қосылу мүмкін болмады",
    },
    "llm_failed": {
        "en": "the LLM failed ({error})",
        "ru": "ошибка языковой модели ({error})",
        "kk": "тілдік модельде қате шықты ({error})",
    },
    "llm_empty": {
        "en": "the LLM returned an empty answer",
        "ru": "языковая модель вернула пустой ответ",
        "kk": "тілдік модель бос жауап қайтарды",
    },
    "llm_no_answer": {
        "en": "the LLM found no answer in the passages",
        "ru": "языковая модель не нашла ответа во фрагментах",
        "kk": "тілдік модель үзінділерден жауап таппады",
    },
    "llm_no_citation": {
        "en": "the LLM's answer cites no passage of the report",
        "ru": "ответ языковой модели не ссылается ни на один фрагмент отчёта",
        "kk": "тілдік модельдің жауабы есептің бірде-бір үзіндісіне сілтеме жасамайды",
    },
    "llm_unchecked": {
        "en": "no sentence of the LLM's answer could be checked against the report ({reason})",
        "ru": "ни одно предложение ответа языковой модели не удалось сверить с отчётом ({reason})",
        "kk": "тілдік модель жауабының бірде-бір сөйлемін есеппен салыстыру мүмкін болмады "
        "({reason})",
    },
    "unsupported_one": {
        "en": "1 sentence of this answer could not be checked against the report and is marked "
        "unsupported",
        "ru": "1 предложение ответа не удалось сверить с отчётом, оно помечено как "
        "неподтверждённое",
        "kk": "жауаптың 1 сөйлемін есеппен салыстыру мүмкін болмады, ол расталмаған деп белгіленді",
    },
    "unsupported_many": {
        "en": "{count} sentences of this answer could not be checked against the report and are "
        "marked unsupported",
        "ru": "предложений ответа, не сверенных с отчётом: {count}; они помечены как "
        "неподтверждённые",
        "kk": "есеппен салыстыру мүмкін болмаған сөйлемдер саны: {count}; олар расталмаған деп "
        "белгіленді",
    },
    "rewrite_failed": {
        "en": "the LLM could not rewrite the follow-up ({error})",
        "ru": "языковая модель не смогла переформулировать уточняющий вопрос ({error})",
        "kk": "тілдік модель нақтылау сұрағын қайта тұжырымдай алмады ({error})",
    },
    "rewrite_unusable": {
        "en": "the LLM gave no usable rewrite of the follow-up",
        "ru": "языковая модель не дала пригодной формулировки уточняющего вопроса",
        "kk": "тілдік модель нақтылау сұрағының жарамды тұжырымын бермеді",
    },
    "rewrite_added": {
        "en": "the LLM's rewrite of the follow-up added {words}, which the conversation does not "
        "hold; it was read without the LLM",
        "ru": "языковая модель добавила в уточняющий вопрос {words}, чего нет в диалоге; вопрос "
        "прочитан без неё",
        "kk": "тілдік модель нақтылау сұрағына сұхбатта жоқ {words} қосты; сұрақ онсыз оқылды",
    },
    "rewrite_dropped": {
        "en": "the LLM's rewrite of the follow-up left out {words}; it was read without the LLM",
        "ru": "языковая модель опустила в уточняющем вопросе {words}; вопрос прочитан без неё",
        "kk": "тілдік модель нақтылау сұрағынан {words} түсіріп тастады; сұрақ онсыз оқылды",
    },
    "history_dropped": {
        "en": "the {count} oldest turn(s) of the conversation were left out (limits: {turns} "
        "turns, {chars} characters)",
        "ru": "самые ранние реплики диалога не учтены: {count} (пределы: {turns} реплик, "
        "{chars} символов)",
        "kk": "сұхбаттың ең ерте репликалары ескерілмеді: {count} (шектеулер: {turns} реплика, "
        "{chars} таңба)",
    },
    "followup_too_long": {
        "en": "the question was answered as it stands: completed from the conversation it "
        "would be over the limit of {chars} characters",
        "ru": "вопрос прочитан так, как задан: дополненный из диалога, он был бы длиннее "
        "предела в {chars} символов",
        "kk": "сұрақ қойылған күйінде оқылды: сұхбаттан толықтырылса, ол {chars} таңба шегінен "
        "ұзын болар еді",
    },
    # About the corpus rather than an answer (``ReportQA.notices``): a file left out of it. The
    # problem is the loader's, in English ("is not valid UTF-8 (line 3, byte 20): convert ...").
    "file_skipped": {
        "en": "{file} was left out of the corpus because it {problem}",
        "ru": "файл {file} не включён в корпус (причина: {problem})",
        "kk": "{file} файлы корпусқа енгізілмеді (себебі: {problem})",
    },
}
# Fallback notices: the reason, then that the extractive answer stands in.
_FALLBACKS = frozenset(
    ("steering", "llm_timeout", "llm_unreachable", "llm_failed", "llm_empty", "llm_no_answer")
    + ("llm_no_citation", "llm_unchecked")
)
# Why the verifier could not match a sentence of a generated answer (``Unsupported.reason``).
_REASONS: dict[str, dict[str, str]] = {
    "bad_marker": {
        "en": "cites {cited}, but only {sent} passages were sent",
        "ru": "ссылается на {cited}, но модели было передано фрагментов: {sent}",
        "kk": "{cited} сілтеме жасайды, бірақ модельге берілген үзінділер саны: {sent}",
    },
    "no_marker": {
        "en": "cites no passage",
        "ru": "не ссылается ни на один фрагмент",
        "kk": "бірде-бір үзіндіге сілтеме жасамайды",
    },
    "figure_one": {
        "en": "«{figure}» is not in the cited passage {passages}",
        "ru": "«{figure}» нет в цитируемом фрагменте {passages}",
        "kk": "«{figure}» сілтеме жасалған {passages} үзіндіде жоқ",
    },
    "figure_many": {
        "en": "«{figure}» is not in the cited passages {passages}",
        "ru": "«{figure}» нет в цитируемых фрагментах {passages}",
        "kk": "«{figure}» сілтеме жасалған {passages} үзінділерде жоқ",
    },
    "words_one": {
        "en": "most of its words are not in the cited passage {passages}",
        "ru": "большинства его слов нет в цитируемом фрагменте {passages}",
        "kk": "оның сөздерінің көбі сілтеме жасалған {passages} үзіндіде жоқ",
    },
    "words_many": {
        "en": "most of its words are not in the cited passages {passages}",
        "ru": "большинства его слов нет в цитируемых фрагментах {passages}",
        "kk": "оның сөздерінің көбі сілтеме жасалған {passages} үзінділерде жоқ",
    },
    "topic_one": {
        "en": "the cited passage {passages} is not about it",
        "ru": "цитируемый фрагмент {passages} не об этом",
        "kk": "сілтеме жасалған {passages} үзінді бұл туралы емес",
    },
    "topic_many": {
        "en": "the cited passages {passages} is not about it",
        "ru": "цитируемые фрагменты {passages} не об этом",
        "kk": "сілтеме жасалған {passages} үзінділер бұл туралы емес",
    },
}
TEXT = "text"  # the code of a notice the catalogue does not know: shown as written
_FIELD = re.compile(r"\{(\w+)\}")


def _english(code: str) -> str:
    text = _NOTICES[code]["en"]
    return f"{text}; {_EXTRACTIVE['en']}" if code in _FALLBACKS else text


def _pattern(template: str) -> re.Pattern[str]:
    parts, last = [], 0
    for match in _FIELD.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        parts.append(f"(?P<{match.group(1)}>.+?)")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.DOTALL)


_NOTICE_PATTERNS = {code: _pattern(_english(code)) for code in _NOTICES}
_REASON_PATTERNS = {code: _pattern(row["en"]) for code, row in _REASONS.items()}


def _match(text: str, patterns: dict[str, re.Pattern[str]]) -> Notice | None:
    for code, pattern in patterns.items():
        match = pattern.fullmatch(text)
        if match:
            return Notice(code, tuple(sorted(match.groupdict().items())))
    return None


def read_notices(text: str | None) -> tuple[Notice, ...]:
    """The coded notices of an answer's ``notice`` text (several are joined with "; "). A part
    the catalogue does not know becomes a ``TEXT`` notice, shown as written.

    The answerer and the pipeline still write their notices in English; this reads them against
    the same catalogue that words them, so every front end can show them in its language."""
    parts = (text or "").split("; ")
    out: list[Notice] = []
    i = 0
    while i < len(parts):
        for j in range(i + 1, len(parts) + 1):  # the shortest run of parts that is one notice
            found = _match("; ".join(parts[i:j]), _NOTICE_PATTERNS)
            if found is not None:
                out.append(found)
                i = j
                break
        else:
            if parts[i].strip():
                out.append(Notice(TEXT, (("text", parts[i]),)))
            i += 1
    return tuple(out)


def notice_text(notice: Notice, language: str) -> str:
    """``notice`` in ``language`` (English when the language is not known); a ``reason``
    parameter is itself worded in that language when the catalogue knows it."""
    params = dict(notice.params)
    if notice.code not in _NOTICES:
        return params.get("text", notice.code)
    if "reason" in params:
        params["reason"] = reason_text(params["reason"], language)
    row = _NOTICES[notice.code]
    text = row.get(language, row["en"]).format(**params)
    if notice.code in _FALLBACKS:
        text = f"{text}; {_EXTRACTIVE.get(language, _EXTRACTIVE['en'])}"
    return text


def notice_templates(language: str) -> dict[str, str]:
    """Every notice's wording in ``language``, by code, with ``{name}`` fields (for the widget,
    which words the coded notices of the JSON itself)."""
    return {
        code: notice_text(Notice(code, tuple((f, "{" + f + "}") for f in _fields(code))), language)
        for code in _NOTICES
    }


def _fields(code: str) -> list[str]:
    return _FIELD.findall(_NOTICES[code]["en"])


def reason_text(reason: str, language: str) -> str:
    """The verifier's reason (``Unsupported.reason``, in English) in ``language``; as written
    when the catalogue does not know it."""
    coded = _match(reason, _REASON_PATTERNS)
    if coded is None:
        return reason
    row = _REASONS[coded.code]
    return row.get(language, row["en"]).format(**dict(coded.params))


def catalogue() -> dict[str, dict[str, dict[str, str]]]:
    """Every worded table, by name, for the test that each has every language."""
    return {
        "messages": _MESSAGES,
        "notices": _NOTICES,
        "reasons": _REASONS,
        "fallback": {"extractive": _EXTRACTIVE},
    }
