"""``symrnn sample`` writes as it generates: a long run shows its text before it ends, and Ctrl-C
keeps what was written and exits 130."""
import io
import os
import signal
import subprocess
import sys
import time

from symrnn.cli import main
from symrnn.cli.sample import write_streaming


def test_text_appears_while_a_long_sample_runs_and_ctrl_c_keeps_it(corpus, tmp_path):
    ck = str(tmp_path / "ck.npz")
    assert main(["train", "--text", corpus, "--hidden", "8", "--steps", "5", "--checkpoint", ck,
                 "--no-report", "--no-progress"]) == 0
    env = {**os.environ, "SYMRNN_MODE": "FAST_COMPILE"}
    out_path = tmp_path / "sampled.txt"
    with open(out_path, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "symrnn", "sample", "--checkpoint", ck, "--prime", "the",
                                 "--length", "10000000", "--seed", "0", "--no-progress"],
                                stdout=out, stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.time() + 120
        while out_path.stat().st_size < 50 and time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
        written_while_running = out_path.stat().st_size
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert written_while_running >= 50  # flushed at least every second, long before the end
    assert proc.returncode == 130 and err.strip().splitlines()[-1] == "symrnn: interrupted"
    kept = out_path.read_text()
    assert kept.startswith("the") and len(kept) >= written_while_running


class Recording(io.StringIO):
    def __init__(self):
        super().__init__()
        self.flushed_at = []

    def flush(self):
        self.flushed_at.append(len(self.getvalue()))


def test_write_streaming_flushes_at_each_line_end_and_at_the_end():
    out = Recording()
    write_streaming(iter(["ab", "c\n", "de", "f"]), out, every=3600)
    assert out.getvalue() == "abc\ndef" and out.flushed_at == [4, 7]


def test_write_streaming_flushes_what_it_wrote_when_interrupted():
    def pieces():
        yield "abc"
        raise KeyboardInterrupt

    out = Recording()
    try:
        write_streaming(pieces(), out, every=3600)
    except KeyboardInterrupt:
        pass
    assert out.flushed_at == [3]
