"""The words of the web interface in Russian, Kazakh and English, and the choice between them.

One table serves the chat page, the widget (sent to the browser as JSON) and the report view, so a
label is translated once. The language is picked from an explicit ``?lang=`` first, then the
browser's ``Accept-Language``; Russian, the language of the report, is the fallback.

Left out: translation of the report itself and of the core's own messages (refusal text, input
errors), which come from the library in the language of the question.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "LANGUAGE_NAMES", "pick_language", "strings", "t"]

LANGUAGES = ("ru", "kk", "en")
DEFAULT_LANGUAGE = "ru"
LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}

_STRINGS: dict[str, dict[str, str]] = {
    "title": {
        "ru": "Вопросы к отчёту",
        "kk": "Есепке сұрақтар",
        "en": "Ask the report",
    },
    "intro": {
        "ru": "Ответы — дословные цитаты из отчёта со ссылками на абзацы. "
        "Если в отчёте ответа нет, бот прямо так и скажет.",
        "kk": "Жауаптар — есептен алынған сөзбе-сөз дәйексөздер, абзацтарға "
        "сілтемелерімен. Есепте жауап болмаса, бот соны ашық айтады.",
        "en": "Answers are verbatim quotes from the report, with links to their paragraphs. "
        "When the report has no answer, the bot says so.",
    },
    "language": {"ru": "Язык", "kk": "Тіл", "en": "Language"},
    "chat": {"ru": "Диалог", "kk": "Сұхбат", "en": "Conversation"},
    "question": {"ru": "Ваш вопрос", "kk": "Сұрағыңыз", "en": "Your question"},
    "placeholder": {
        "ru": "Например: сколько вузов в области?",
        "kk": "Мысалы: облыста қанша университет бар?",
        "en": "For example: how many universities does the region have?",
    },
    "ask": {"ru": "Спросить", "kk": "Сұрау", "en": "Ask"},
    "examples": {"ru": "Примеры вопросов", "kk": "Сұрақ үлгілері", "en": "Example questions"},
    "sources": {"ru": "Источники", "kk": "Дереккөздер", "en": "Sources"},
    "sources_empty": {
        "ru": "Задайте вопрос — здесь появятся процитированные абзацы отчёта.",
        "kk": "Сұрақ қойыңыз — мұнда есептің дәйексөз алынған абзацтары шығады.",
        "en": "Ask a question: the paragraphs of the report it cites will appear here.",
    },
    "not_in_report": {
        "ru": "В отчёте об этом не сказано.",
        "kk": "Есепте бұл туралы айтылмаған.",
        "en": "The report does not say.",
    },
    "see_also": {"ru": "Смотрите также", "kk": "Сондай-ақ қараңыз", "en": "See also"},
    "paragraph": {"ru": "абзац {n}", "kk": "{n}-абзац", "en": "paragraph {n}"},
    "page": {"ru": "страница {n}", "kk": "{n}-бет", "en": "page {n}"},
    "open_in_report": {
        "ru": "Открыть в отчёте",
        "kk": "Есепте ашу",
        "en": "Open in the report",
    },
    "copy_citation": {
        "ru": "Копировать цитату",
        "kk": "Дәйексөзді көшіру",
        "en": "Copy citation",
    },
    "copied": {"ru": "Скопировано", "kk": "Көшірілді", "en": "Copied"},
    "export": {
        "ru": "Скачать диалог (Markdown)",
        "kk": "Сұхбатты жүктеу (Markdown)",
        "en": "Download the conversation (Markdown)",
    },
    "full_report": {
        "ru": "Полный текст отчёта",
        "kk": "Есептің толық мәтіні",
        "en": "Full report",
    },
    "api_docs": {
        "ru": "API для разработчиков",
        "kk": "Әзірлеушілерге API",
        "en": "API for developers",
    },
    "clear_chat": {
        "ru": "Очистить диалог",
        "kk": "Сұхбатты тазарту",
        "en": "Clear the conversation",
    },
    "close": {"ru": "Закрыть", "kk": "Жабу", "en": "Close"},
    "more_tabs": {"ru": "Другие вкладки", "kk": "Басқа қойындылар", "en": "More tabs"},
    "toast_info": {"ru": "Сообщение", "kk": "Хабарлама", "en": "Info"},
    "toast_warning": {"ru": "Предупреждение", "kk": "Ескерту", "en": "Warning"},
    "toast_error": {"ru": "Ошибка", "kk": "Қате", "en": "Error"},
    "back_to_chat": {"ru": "К вопросам", "kk": "Сұрақтарға оралу", "en": "Back to the chat"},
    "helpful": {"ru": "Полезный ответ", "kk": "Пайдалы жауап", "en": "Helpful answer"},
    "not_helpful": {"ru": "Бесполезный ответ", "kk": "Пайдасыз жауап", "en": "Unhelpful answer"},
    "thanks": {
        "ru": "Спасибо за отзыв",
        "kk": "Пікіріңізге рахмет",
        "en": "Thanks for the feedback",
    },
    "error": {
        "ru": "Не удалось получить ответ",
        "kk": "Жауап алу мүмкін болмады",
        "en": "Could not get an answer",
    },
    "error_unreachable": {
        "ru": "Сервер недоступен: проверьте соединение и спросите ещё раз.",
        "kk": "Сервер қолжетімсіз: байланысты тексеріп, қайта сұраңыз.",
        "en": "The server cannot be reached: check the connection and ask again.",
    },
    "error_timeout": {
        "ru": "Сервер не ответил за {seconds} с: спросите ещё раз позже.",
        "kk": "Сервер {seconds} с ішінде жауап бермеді: кейінірек қайта сұраңыз.",
        "en": "The server did not answer within {seconds} s: ask again later.",
    },
    "error_rate_limited": {
        "ru": "Слишком много вопросов подряд: спросите снова через {seconds} с.",
        "kk": "Сұрақтар тым көп: {seconds} с өткен соң қайта сұраңыз.",
        "en": "Too many questions in a row: ask again in {seconds} s.",
    },
    "error_server": {
        "ru": "Ошибка сервера (HTTP {status}): спросите ещё раз позже.",
        "kk": "Сервер қатесі (HTTP {status}): кейінірек қайта сұраңыз.",
        "en": "Server error (HTTP {status}): ask again later.",
    },
    "searching": {
        "ru": "Ищу в отчёте…",
        "kk": "Есептен іздеп жатырмын…",
        "en": "Searching the report…",
    },
    "you": {"ru": "Вы", "kk": "Сіз", "en": "You"},
    "source": {"ru": "Источник", "kk": "Дереккөз", "en": "Source"},
    "date": {"ru": "Дата", "kk": "Күні", "en": "Date"},
    "content_hash": {"ru": "Хеш содержимого", "kk": "Мазмұн хеші", "en": "Content hash"},
    "exported": {"ru": "Выгружено", "kk": "Жүктелген уақыты", "en": "Exported"},
    "answer": {"ru": "Ответ", "kk": "Жауап", "en": "Answer"},
    "notice": {"ru": "Примечание", "kk": "Ескерту", "en": "Note"},
    # Before the question a follow-up was read as; the same words as the CLI's (messages.py).
    "interpreted_as": {
        "ru": "Понял вопрос как:",
        "kk": "Сұрақты былай түсіндім:",
        "en": "Understood as:",
    },
    "new_conversation": {"ru": "Новый диалог", "kk": "Жаңа сұхбат", "en": "New conversation"},
    "unsupported": {
        "ru": "Не подтверждено отчётом",
        "kk": "Есеппен расталмаған",
        "en": "Not supported by the report",
    },
    "reason": {"ru": "причина", "kk": "себебі", "en": "reason"},
    "generative_grounded": {
        "ru": "Ответ сформулирован языковой моделью; каждое предложение сверено с отчётом.",
        "kk": "Жауапты тілдік модель құрастырды; әр сөйлем есеппен салыстырылды.",
        "en": "Written by a language model; every sentence was checked against the report.",
    },
    "generative_ungrounded": {
        "ru": "Ответ сформулирован языковой моделью; не всё в нём подтверждено отчётом.",
        "kk": "Жауапты тілдік модель құрастырды; оның бәрі есеппен расталмаған.",
        "en": "Written by a language model; not all of it is supported by the report.",
    },
    "highlighted": {
        "ru": "Цитируемый фрагмент выделен.",
        "kk": "Дәйексөз алынған үзінді белгіленген.",
        "en": "The cited passage is highlighted.",
    },
    "not_found": {
        "ru": "Такого документа в отчёте нет.",
        "kk": "Есепте мұндай құжат жоқ.",
        "en": "The report holds no such document.",
    },
    "documents": {"ru": "Документы", "kk": "Құжаттар", "en": "Documents"},
    # The chat page's document picker: the accordion's title says what is searched.
    "scope_all": {
        "ru": "Поиск по всем документам",
        "kk": "Барлық құжаттардан іздеу",
        "en": "Searching every document",
    },
    "scope_some": {
        "ru": "Поиск по документам: {n} из {total}",
        "kk": "Құжаттардан іздеу: {total} ішінен {n}",
        "en": "Searching {n} of {total} documents",
    },
    "scope": {"ru": "Искать в документах", "kk": "Құжаттардан іздеу", "en": "Search in"},
    "scope_info": {
        "ru": "Ничего не выбрано — поиск по всем. Смена выбора начинает новую ветку диалога.",
        "kk": "Ештеңе таңдалмаса — барлығынан іздейді. Таңдауды өзгерту сұхбаттың жаңа "
        "тармағын бастайды.",
        "en": "None chosen: every document is searched. A new choice starts a new thread.",
    },
    # "Add a report" (REPORTQA_ALLOW_UPLOAD=1).
    "upload": {"ru": "Добавить отчёт", "kk": "Есеп қосу", "en": "Add a report"},
    "upload_info": {
        "ru": "PDF, DOCX, HTML, TXT или MD, до {mb} МБ.",
        "kk": "PDF, DOCX, HTML, TXT немесе MD, {mb} МБ-қа дейін.",
        "en": "PDF, DOCX, HTML, TXT or MD, up to {mb} MB.",
    },
    "upload_error": {
        "ru": "Не удалось добавить отчёт",
        "kk": "Есепті қосу мүмкін болмады",
        "en": "Could not add the report",
    },
    "uploaded": {"ru": "Добавлен: {title}", "kk": "Қосылды: {title}", "en": "Added: {title}"},
    "chat_tab": {"ru": "Вопросы", "kk": "Сұрақтар", "en": "Questions"},
    "check_tab": {"ru": "Проверка фактов", "kk": "Фактіні тексеру", "en": "Fact-check"},
    "claim": {"ru": "Утверждение", "kk": "Мәлімдеме", "en": "Claim"},
    "claim_placeholder": {
        "ru": "Например: в области 8 вузов и 52 колледжа",
        "kk": "Мысалы: облыста 52 колледж жұмыс істейді",
        "en": "For example: the region has 8 universities and 52 colleges",
    },
    "check": {"ru": "Проверить", "kk": "Тексеру", "en": "Check"},
    "example_claims": {
        "ru": "Примеры утверждений",
        "kk": "Мәлімдеме үлгілері",
        "en": "Example claims",
    },
    "check_empty": {
        "ru": "Введите утверждение — здесь появятся вердикт, сравнение цифр и цитаты из отчёта.",
        "kk": "Мәлімдеме енгізіңіз — мұнда үкім, сандарды салыстыру және есептен "
        "дәйексөздер шығады.",
        "en": "Enter a claim: the verdict, the figures compared and the quotes from the report "
        "will appear here.",
    },
    "verdict_supported": {"ru": "Подтверждается", "kk": "Расталады", "en": "Supported"},
    "verdict_contradicted": {
        "ru": "Опровергается",
        "kk": "Теріске шығарылады",
        "en": "Contradicted",
    },
    "verdict_not_found": {
        "ru": "В отчёте не найдено",
        "kk": "Есепте табылмады",
        "en": "Not found in the report",
    },
    "claimed": {"ru": "Утверждается", "kk": "Мәлімдемеде", "en": "Claimed"},
    "reported": {"ru": "В отчёте", "kk": "Есепте", "en": "Reported"},
    "match": {"ru": "Совпадает", "kk": "Сәйкес", "en": "Match"},
    "comparisons": {"ru": "Сравнение цифр", "kk": "Сандарды салыстыру", "en": "Figures compared"},
    "evidence": {"ru": "Цитаты из отчёта", "kk": "Есептен дәйексөздер", "en": "Evidence"},
    "reason_value": {"ru": "другое значение", "kk": "басқа мән", "en": "a different value"},
    "reason_period": {"ru": "другой период", "kk": "басқа кезең", "en": "another period"},
    "reason_no_period": {
        "ru": "в отчёте год не указан",
        "kk": "есепте жылы көрсетілмеген",
        "en": "the report gives no year",
    },
    "reason_bound": {
        "ru": "в отчёте только граница",
        "kk": "есепте тек шегі",
        "en": "the report gives only a bound",
    },
    "reason_missing": {
        "ru": "в отчёте такой цифры нет",
        "kk": "есепте мұндай көрсеткіш жоқ",
        "en": "the report gives no such figure",
    },
    "check_error": {
        "ru": "Не удалось проверить утверждение",
        "kk": "Мәлімдемені тексеру мүмкін болмады",
        "en": "Could not check the claim",
    },
    "conversation_about": {
        "ru": "Вопросы к отчёту «{title}»",
        "kk": "«{title}» есебіне сұрақтар",
        "en": "Questions to the report “{title}”",
    },
}


def pick_language(accept_language: str | None, explicit: str | None = None) -> str:
    """``explicit`` if it is a supported code, else the best supported language of an
    ``Accept-Language`` header (by q-value, then order), else ``DEFAULT_LANGUAGE``."""
    if explicit:
        code = explicit.strip().lower()[:2]
        if code in LANGUAGES:
            return code
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        code = tag.strip().lower().split("-")[0]
        if code in LANGUAGES and quality > 0:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def strings(lang: str) -> dict[str, str]:
    """Every UI string in ``lang`` (unknown codes fall back to the default language)."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return {key: row[lang] for key, row in _STRINGS.items()}


def t(lang: str, key: str, **values: object) -> str:
    """One UI string in ``lang``, with ``{name}`` fields filled from ``values``."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    text = _STRINGS[key][lang]
    return text.format(**values) if values else text
