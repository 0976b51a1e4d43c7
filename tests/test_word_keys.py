"""The word keys an index carries (``index/wordkeys.py``): the keys the code computes, used when
the index is opened so that a question whose words are all there never loads ``pymorphy3``,
ignored when other code worked them out, and damage found like that of the index's other files.
The embedding model is the fake one; the store, the tokens and the answering are real."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reportqa import ReportQA, Settings
from reportqa.errors import IndexCorruptError
from reportqa.index import wordkeys
from reportqa.index.store import load_index, verify_index
from reportqa.lang.tokens import KEY_VERSION, tokens, word_key

from .conftest import KAMENSK, ROOT, FakeEmbedder, fake_index

tokens_module = sys.modules["reportqa.lang.tokens"]  # ``reportqa.lang.tokens`` is also a function

# English and Kazakh paragraphs beside the Russian report: words of every language in the file.
MIXED = KAMENSK + "\nQarmet produced 4 million tonnes of steel.\n\nОблыстағы өндіріс өсті.\n"


def _clear_key_caches() -> None:
    for cached in ("word_key", "_lemma", "_other_readings", "is_russian_word"):
        getattr(tokens_module, cached).cache_clear()


@pytest.fixture
def fresh_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No key seeded or cached in this process, as in a new one; whatever the test seeds is
    gone after it."""
    monkeypatch.setattr(tokens_module, "_seeded_keys", {})
    monkeypatch.setattr(tokens_module, "_seeded_readings", {})
    monkeypatch.setattr(tokens_module, "_seeded_known", {})
    _clear_key_caches()
    yield
    _clear_key_caches()


def _word_keys(version: Path) -> dict:
    return json.loads((version / "word-keys.json").read_text(encoding="utf-8"))


def _rewrite(version: Path, record: dict | None) -> None:
    """``word-keys.json`` replaced by ``record`` (left out when None), and the manifest made to
    vouch for it: the index as some other build would have written it."""
    path = version / "word-keys.json"
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    if record is None:
        path.unlink()
        del manifest["files"]["word-keys.json"]
    else:
        raw = json.dumps(record, ensure_ascii=False).encode("utf-8")
        path.write_bytes(raw)
        manifest["files"]["word-keys.json"] = {
            "size": len(raw),
            "sha256": hashlib.sha256(raw).hexdigest(),
        }
    (version / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    digest = hashlib.sha256((version / "manifest.json").read_bytes()).hexdigest()
    (version / "manifest.sha256").write_text(digest + "\n", encoding="utf-8")


def test_a_built_index_carries_the_key_the_code_computes_for_every_word(
    tmp_path: Path, fresh_keys: None
) -> None:
    _, data, _ = fake_index(tmp_path / "corpus", tmp_path / "index", text=MIXED)
    assert "word-keys.json" in data.manifest["files"]
    record = _word_keys(data.path)
    assert record["fingerprint"] == wordkeys.fingerprint()
    assert record["fingerprint"]["key_version"] == KEY_VERSION
    keys, readings, known = record["keys"], record["readings"], record["known"]

    # every word of the chunks, in the language it was keyed in, and the tables' words
    held = {(t.lower, t.language) for a in data.analyses for t in a.tokens if t.kind == "word"}
    assert {language for _, language in held} == {"ru", "en", "kk"}
    assert all(word in keys[language] for word, language in held)
    titles = {(t.lower, t.language) for c in data.chunks for t in tokens(c.title, "ru")}
    assert titles - held == {("kamensk", "en")}  # the title, from the file's name
    assert all(word in keys[language] for word, language in titles)
    assert keys["ru"]["сколько"] and keys["en"]["how"] and keys["kk"]["қанша"]
    assert keys["ru"]["стали"] == "стать" and readings["стали"] == ["сталь", "стать"]
    assert keys["kk"]["облыстағы"] == "облыс" and keys["en"]["tonnes"] == "tonn"
    assert set(readings) == {word for word, language in held if language == "ru"}
    # the Kazakh tables' words as typed without Kazakh letters, and whether they are Russian
    assert known["канша"] is False and known["тенге"] is False and known["ай"] is True

    # worked out afresh (nothing seeded, nothing cached), every key and reading is the same
    _clear_key_caches()
    assert tokens_module._seeded_keys == {}
    for language, table in keys.items():
        assert {w: word_key(w, language) for w in table} == table
    assert {w: sorted(tokens_module._other_readings(w)) for w in readings} == readings
    assert {w: tokens_module.is_russian_word(w) for w in known} == known


def test_an_opened_index_hands_in_its_keys_unless_other_code_worked_them_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_keys: None
) -> None:
    _, data, _ = fake_index(tmp_path / "corpus", tmp_path / "index")
    record = _word_keys(data.path)
    assert record["keys"]["ru"]["шин"] == "шина"
    # A key no code computes: seen only if the file is what the keys come from.
    record["keys"]["ru"]["шин"] = "не-шина"
    record["readings"]["стали"] = ["сплав"]
    record["known"]["канша"] = True
    _rewrite(data.path, record)

    _clear_key_caches()
    monkeypatch.setattr(
        wordkeys, "fingerprint", lambda: {**record["fingerprint"], "key_version": KEY_VERSION + 1}
    )
    load_index(tmp_path / "index")  # keys of other code: left unread
    assert word_key("Шин", "ru") == "шина"
    assert tokens_module._other_readings("стали") == {"сталь", "стать"}
    assert not tokens_module.is_russian_word("канша")

    _clear_key_caches()
    monkeypatch.setattr(wordkeys, "fingerprint", lambda: record["fingerprint"])
    load_index(tmp_path / "index")
    assert word_key("Шин", "ru") == "не-шина"
    assert tokens_module._other_readings("стали") == {"сплав"}
    assert tokens_module.is_russian_word("канша")


def test_an_index_written_before_the_word_keys_is_used_as_it_is(
    tmp_path: Path, fresh_keys: None
) -> None:
    _, data, _ = fake_index(tmp_path / "corpus", tmp_path / "index")
    _rewrite(data.path, None)
    loaded = verify_index(tmp_path / "index")
    assert "word-keys.json" not in loaded.manifest["files"]
    assert loaded.analyses == data.analyses
    assert tokens_module._seeded_keys == {}


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # cut short: its size is not the manifest's
        lambda raw: b"#" + raw[1:],  # the same size, not JSON: only its hash tells
    ],
    ids=["truncated", "not-json"],
)
def test_damaged_word_keys_are_found_and_the_index_rebuilt_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage, fresh_keys: None
) -> None:
    embedder = FakeEmbedder()
    monkeypatch.setattr("reportqa.pipeline.load_embedder", lambda _spec: embedder)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kamensk.txt").write_text(KAMENSK, encoding="utf-8")
    settings = Settings(corpus=corpus, index=tmp_path / "index", embedding=embedder.name)
    question = "Сколько шин произвёл завод в 2024 году?"
    before = ReportQA.open(settings).ask(question)
    assert not before.refused

    path = load_index(settings.index).path / "word-keys.json"
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(IndexCorruptError, match="damaged"):
        verify_index(settings.index)
    with pytest.raises(IndexCorruptError, match="run `reportqa index`"):
        load_index(settings.index)

    messages: list[str] = []
    qa = ReportQA.open(settings, progress=messages.append)
    assert any("unusable" in m for m in messages)
    after = qa.ask(question)
    assert after.answer == before.answer and not after.refused
    assert after.citations == before.citations
    rebuilt = verify_index(settings.index)
    assert _word_keys(rebuilt.path)["fingerprint"] == wordkeys.fingerprint()


def test_word_keys_that_are_not_a_table_of_keys_make_the_index_unreadable(
    tmp_path: Path, fresh_keys: None
) -> None:
    _, data, _ = fake_index(tmp_path / "corpus", tmp_path / "index")
    record = _word_keys(data.path)
    _rewrite(data.path, {**record, "keys": [["шин", "шина"]]})
    with pytest.raises(IndexCorruptError, match="cannot be read"):
        load_index(tmp_path / "index")
    assert tokens_module._seeded_keys == {}


# A new process answers over the index built by the test (fake embedder) and says what it loaded.
# With "ignore", the keys of the index are taken for those of other code.
_ASK = """
import json, sys
from pathlib import Path
from reportqa import ReportQA, Settings
from reportqa.index import wordkeys
from reportqa.index.corpus import load_corpus
from reportqa.index.store import load_index
from reportqa.serialize import answer_to_dict
from tests.conftest import FakeEmbedder
corpus, index, ignore = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "ignore"
if ignore:
    wordkeys.fingerprint = lambda: {"key_version": -1}
tokens = sys.modules["reportqa.lang.tokens"]
qa = ReportQA(Settings(corpus=corpus, index=index), tuple(load_corpus(corpus)),
              load_index(index), FakeEmbedder())
out = []
for question in sys.argv[4:]:
    answer = answer_to_dict(qa.ask(question))
    answer.pop("timings", None)
    out.append({"answer": answer, "pymorphy3": tokens._load_morph.cache_info().currsize})
print(json.dumps(out, ensure_ascii=False))
"""


def _ask_in_a_new_process(corpus: Path, index: Path, how: str, *questions: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-c", _ASK, str(corpus), str(index), how, *questions],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_question_of_keyed_words_loads_no_pymorphy3_and_a_new_word_loads_it(
    tmp_path: Path,
) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    fake_index(corpus, index, info={"corpus_hash": "kamensk"})
    # every word of the first is in the report or the tables; "выпустил" is in neither
    asked = ("Сколько шин произвёл завод в 2024 году?", "Сколько шин выпустил завод в 2024 году?")
    known = set(_word_keys(load_index(index).path)["keys"]["ru"])
    assert {"сколько", "шин", "произвел", "завод", "году"} <= known and "выпустил" not in known

    seeded = _ask_in_a_new_process(corpus, index, "use", *asked)
    assert [a["pymorphy3"] for a in seeded] == [0, 1]
    assert "372 тысячи" in seeded[0]["answer"]["answer"]

    # the same answers when the keys are worked out, which loads pymorphy3 at once
    ignored = _ask_in_a_new_process(corpus, index, "ignore", *asked)
    assert [a["pymorphy3"] for a in ignored] == [1, 1]
    assert [a["answer"] for a in ignored] == [a["answer"] for a in seeded]
