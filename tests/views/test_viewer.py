"""The step viewer in a real browser (headless Chromium): what it shows is what the model computes.

The page computes each forward pass itself, in JavaScript, from the weights it carries; these
tests press Step and compare every hidden state and probability it displays with the model's
own, computed by PyTensor. Without Chromium and its driver the browser tests skip — except under
CI (CI=true), where they fail: .ci/run installs the browser.
"""
import json
import os
import re
import shutil

import numpy as np
import pytest
from small_corpus import TEXT

from symrnn.backends.compile import QUICK_MODE
from symrnn.checkpoint import save_checkpoint
from symrnn.cli import main
from symrnn.training.trained import load_trained
from symrnn.training.trainer import Trainer
from symrnn.views import inside, toy
from symrnn.views import viewer as viz
from symrnn.views.report import SAMPLE_TEMPERATURE

MODE = "FAST_COMPILE"


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven by Selenium through Debian's chromedriver."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    driver_path = shutil.which("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        binary = None
    if not (binary and driver_path):
        why = "the browser tests need selenium, chromium and chromedriver (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


SHOWN = """
return Array.from(document.querySelectorAll('.panel')).map(panel => {
  const read = name => Array.from(panel.querySelectorAll(`.vec[data-name="${name}"] .cell`))
    .map(cell => [Number(cell.dataset.value), cell.textContent]);
  return {h: read('h'), p: read('p'), t: Number(document.body.dataset.t)};
});
"""


def open_page(browser, path):
    browser.get("file://" + os.path.abspath(path))
    assert browser.execute_script("return document.body.dataset.ready") == "1"
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, errors


def check_every_step(browser, expected):
    """Press Step through the whole sequence; at every step each panel shows its model's h and p.

    expected: one ``inside.forward_steps`` dict per panel, in page order.
    """
    T = len(expected[0]["h"])
    for t in range(T):
        if t:
            browser.find_element("id", "step").click()
        shown = browser.execute_script(SHOWN)
        assert len(shown) == len(expected)
        for panel, want in zip(shown, expected):
            assert panel["t"] == t
            for key in ("h", "p"):
                values = np.array([value for value, _ in panel[key]])
                texts = np.array([float(text.split()[-1]) for _, text in panel[key]])
                np.testing.assert_allclose(values, want[key][t], rtol=2e-5, atol=2e-6, err_msg=f"{key} at t={t}")
                np.testing.assert_allclose(texts, want[key][t], atol=5e-4 + 1e-6, err_msg=f"shown {key} at t={t}")
    browser.find_element("id", "step").click()          # at the end, Step stays at the last step
    assert browser.execute_script(SHOWN)[0]["t"] == T - 1
    browser.find_element("id", "back").click()
    assert browser.execute_script(SHOWN)[0]["t"] == T - 2


def self_contained(path):
    page = open(path, encoding="utf-8").read()
    assert not re.search(r"<link|\ssrc=|\shref=|@import|url\(", page)  # nothing to fetch: no network
    return page


def test_toy_page_shows_the_toys_numbers_at_every_step(browser, tmp_path):
    models = viz.toy_models(seed=0)
    path = viz.write_page(str(tmp_path / "toy.html"), viz.TOY_TITLE, viz.toy_sections(models))
    self_contained(path)
    open_page(browser, path)
    expected = []
    for task, untrained, trained in models:
        inputs, _ = toy.task_sequence(task)
        expected += [inside.forward_steps(model, inputs, mode=QUICK_MODE) for model in (untrained, trained)]
    check_every_step(browser, expected)
    names = [e.text for e in browser.find_elements("css selector", ".panel h3")]
    assert names == ["untrained", "trained"] * 2
    assert browser.find_elements("css selector", ".mat canvas")  # the weights as grids


@pytest.fixture(scope="module")
def char_checkpoint(tmp_path_factory):
    """A small character model from a tiny training run (FAST_COMPILE, a few steps)."""
    directory = tmp_path_factory.mktemp("char")
    corpus, path = directory / "corpus.txt", directory / "char.npz"
    corpus.write_text(TEXT)
    assert main(["train", "--text", str(corpus), "--hidden", "8", "--embedding", "5", "--steps", "30",
                 "--optimizer", "adam", "--lr", "0.01", "--batch-size", "4", "--report-every", "10",
                 "--checkpoint", str(path), "--no-report", "--no-progress"]) == 0
    return str(path)


def test_checkpoint_page_shows_the_models_numbers_at_every_step(browser, char_checkpoint, tmp_path, capsys):
    text = "the lazy fox"
    path = str(tmp_path / "char.html")
    assert main(["viz", "--checkpoint", char_checkpoint, "--text", text, "--out", path]) == 0
    assert path in capsys.readouterr().out
    self_contained(path)
    trained = load_trained(char_checkpoint, show_progress=False)
    model, untrained, vocab = trained.model, trained.model.untrained(), trained.vocab
    indices = vocab.encode(text)
    expected = [inside.forward_steps(m, indices, mode=MODE) for m in (untrained, model)]
    probs, _ = Trainer(model, mode=MODE, show_progress=False).predict(indices[:, None])
    np.testing.assert_allclose(expected[1]["p"], probs[:, 0], rtol=1e-5)      # the model's own predict
    assert not np.allclose(expected[0]["p"], expected[1]["p"], atol=1e-3)    # trained ≠ untrained
    open_page(browser, path)
    check_every_step(browser, expected)

    heat = browser.find_elements("css selector", '.panel[data-panel="1"] [data-name="heat"] span')
    assert "".join(span.text or " " for span in heat) == text               # the text, one span per char
    sampled = browser.find_element("css selector", '.panel[data-panel="1"] [data-name="sampled"]')
    first = sampled.text
    assert len(first) > 100 and set(first) <= set(vocab.chars) - {"\0"}
    browser.find_element("css selector", '.panel[data-panel="1"] [data-name="sample"]').click()
    assert sampled.text == first                                            # seeded: the same draw again


def bad(capsys, argv):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("symrnn: error: ") and err.count("\n") == 1, err
    return err


def test_bad_checkpoints_get_one_line(tmp_path, capsys):
    assert "not found" in bad(capsys, ["viz", "--checkpoint", str(tmp_path / "missing.npz")])
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"\x93NUMPY garbage")
    assert "corrupt" in bad(capsys, ["viz", "--checkpoint", str(corrupt)])
    config = {"vocab_size": 4, "n_hidden": 2000, "cell": "rnn", "layers": 1, "embedding": None,
              "batchnorm": False, "activation": "relu", "dropout": 0.0, "recurrent_dropout": 0.0,
              "return_sequences": True, "dtype": "float32", "seed": 0}
    large = tmp_path / "large.npz"
    save_checkpoint(str(large), {}, {"vocab": ["\0", "a", "b", "c"], "config": config})
    err = bad(capsys, ["viz", "--checkpoint", str(large)])
    assert "too large" in err and "2000 hidden units" in err and "512" in err
    lstm = tmp_path / "lstm.npz"
    lstm_config = {**config, "n_hidden": 4, "cell": "lstm"}
    save_checkpoint(str(lstm), {}, {"vocab": ["\0", "a", "b", "c"], "config": lstm_config})
    assert "lstm × 1" in bad(capsys, ["viz", "--checkpoint", str(lstm)])
    assert not list(tmp_path.glob("*.html"))


@pytest.mark.parametrize("steps, reported", [
    (30, ["step 10", "step 20", "step 30"]),     # ends on a report step
    (25, ["step 10", "step 20", "step 25"]),     # ends between report steps: its last step is shown too
    (6, ["step 6"]),                             # shorter than one report step: its final numbers
])
def test_report_page_of_a_training_run(browser, tmp_path, capsys, steps, reported):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(TEXT)
    report_dir = tmp_path / "run"
    assert main(["train", "--text", str(corpus), "--hidden", "8", "--activation", "tanh", "--steps", str(steps),
                 "--optimizer", "adam",
                 "--lr", "0.01", "--batch-size", "4", "--report-every", "10", "--report", str(report_dir),
                 "--no-progress", "--json"]) == 0
    captured = capsys.readouterr()
    path, err = str(report_dir / "report.html"), captured.err.splitlines()
    assert f"report: {path}" in err and f"generated (temperature {SAMPLE_TEMPERATURE}):" in err
    assert json.loads(captured.out)["steps"] == steps                 # with --json, stdout is the JSON alone
    self_contained(path)
    open_page(browser, path)
    blocks = browser.find_elements("css selector", ".report-block")
    assert blocks[0].get_attribute("data-name") == "the run"         # the page opens with the run
    assert f"{steps:,} steps of 4 × 8 characters" in blocks[0].text and "bits/char" in blocks[0].text
    for polyline in browser.find_elements("css selector", '[data-name="loss"] svg polyline'):  # train, held out
        assert len(polyline.get_attribute("points").split()) == len(reported)
    ticks = [t.text for t in browser.find_elements("css selector", '[data-name="loss"] svg text')]
    assert all(re.fullmatch(r"[\d,]+(\.\d\d?)?", t) for t in ticks if t[:1].isdigit()), ticks  # round values
    samples = browser.find_elements("css selector", '[data-name="samples"] tr')
    assert [row.text.split("\n")[0] for row in samples] == reported
    assert [p.text for p in browser.find_elements("css selector", ".panel h3")][-1].endswith(f"({steps} steps)")
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_a_report_for_a_model_the_viewer_cannot_show_has_no_viewer_controls(browser, tmp_path, capsys):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(TEXT)
    assert main(["train", "--text", str(corpus), "--hidden", "6", "--cell", "lstm", "--steps", "4",
                 "--report", str(tmp_path / "run"), "--no-progress"]) == 0
    capsys.readouterr()
    open_page(browser, str(tmp_path / "run" / "report.html"))
    assert not browser.find_element("css selector", "#stepper").is_displayed()
    assert "SimpleRNN" in browser.find_element("css selector", '[data-name="step viewer"]').text


def test_every_run_keeps_its_model_and_no_report_drops_the_page_only(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SYMRNN_RUNS", str(tmp_path / "runs"))
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(TEXT)
    argv = ["train", "--text", str(corpus), "--hidden", "4", "--steps", "3", "--report-every", "2", "--no-progress"]
    assert main([*argv, "--no-report"]) == 0
    out = capsys.readouterr().out
    (quiet,) = (tmp_path / "runs").iterdir()
    assert sorted(p.name for p in quiet.iterdir()) == ["model.npz", "run.json"] and "report:" not in out
    assert "generated (temperature" in out and f"sample it: symrnn sample --checkpoint {quiet}/model.npz" in out
    assert main(argv) == 0                                           # by default: runs/<date-time>/report.html
    pages = list((tmp_path / "runs").glob("*/report.html"))
    assert len(pages) == 1 and f"report: {pages[0]}" in capsys.readouterr().out
    assert json.loads((pages[0].parent / "run.json").read_text())["steps"] == 3
    assert main(["sample", "--length", "5", "--no-progress"]) == 0  # the latest run's model
    assert f"sampling {pages[0].parent}/model.npz" in capsys.readouterr().err
