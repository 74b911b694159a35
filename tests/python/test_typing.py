"""The stub types the API precisely enough to catch mistakes: mypy accepts
correct host code and reports each misuse on its line."""

from __future__ import annotations

import re
from pathlib import Path

from mypy import api

SNIPPET = '''
import chatlife

engine = chatlife.Engine({})
engine.join(0, "c1", "ag", chatlife.Role.AGENT)
engine.join(0, "c1", "ag", "agent", display_name="Sam")
engine.set_wait(0, "c1", "bot")
deadline: int | None = engine.next_deadline()
for event in engine.poll_events():
    if isinstance(event, chatlife.StateChanged):
        before: chatlife.State = event.from_
        why: chatlife.Reason = event.reason
        if event.to == "closed" and event.reason == chatlife.Reason.AUTO_CLOSE:
            print(event.to_json())
    elif event.type == "capacity_changed":
        print(event.to_dict())
results: list[chatlife.ChatlifeError | None] = engine.apply_many([{"at": 0, "op": "advance"}])
try:
    engine.advance(1)
except chatlife.UnknownConversation as error:
    code: str = error.code
engine.join(0, "c1", "ag", "boss")  # E: role
engine.set_wait(0, "c1", "later")  # E: wait_for
later: int = engine.next_deadline()  # E: optional
engine.start_conversation(0, "c1", "cu", "vip")  # E: keyword-only
engine.reconnect(0, "crl1_token")  # E: keyword-only
for event in engine.poll_events():
    if isinstance(event, chatlife.StateChanged):
        event.participant  # E: no such field
        event.at = 5  # E: read-only
'''


def test_mypy_accepts_good_code_and_flags_each_misuse(tmp_path: Path) -> None:
    source = tmp_path / "host.py"
    source.write_text(SNIPPET, encoding="utf-8")
    stdout, stderr, _ = api.run(["--strict", "--no-incremental", str(source)])
    assert stderr == ""
    flagged = {int(n) for n in re.findall(rf"^{re.escape(str(source))}:(\d+): error", stdout, flags=re.MULTILINE)}
    expected = {number for number, line in enumerate(SNIPPET.splitlines(), start=1) if "# E:" in line}
    assert flagged == expected, stdout
